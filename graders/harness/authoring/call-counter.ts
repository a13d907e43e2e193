/**
 * Counts every call of a function's code, however it is reached (the 02 grader's backpressure check and
 * `try 02` count the learner's AsyncQueue put calls with it).
 */
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";

/**
 * The real node:inspector, taken while this module loads: in a grader worker that is before the sandbox
 * closes its doors (learner code gets a stand-in), elsewhere it is simply the module.
 */
const { Session } = createRequire(import.meta.url)("node:inspector") as typeof import("node:inspector");

export interface CallCounter {
  /** Calls of the function's code since the counter started. */
  readonly calls: number;
  stop(): void;
}

/**
 * Counts every call of `fn`'s code, through V8's own debugger (an in-process inspector session): a
 * breakpoint on the function, counted and resumed at once each time it is hit. Only V8 can hit it: no
 * global, nothing learner code could call or replace to change the count. It counts
 * calls however the function is reached and however it was written: a method on the prototype, a class
 * field (`put = async (item) => …`, every instance's arrow shares one code), a bound or destructured
 * reference. Nothing of the learner's class is patched. A `debugger;` statement in learner code is
 * resumed at once. Returns undefined when V8 cannot set the breakpoint (not a JavaScript function).
 */
export function countCalls(fn: unknown): CallCounter | undefined {
  const session = new Session();
  session.connect();
  const global = globalThis as Record<symbol, unknown>;
  const post = <R,>(method: string, params: object = {}): R => {
    let answer: { error: Error | null; result?: unknown } | undefined;
    session.post(method, params, (error, result) => (answer = { error, result }));
    if (!answer) throw new Error(`inspector ${method} did not answer synchronously`);
    if (answer.error) throw answer.error;
    return answer.result as R;
  };
  const counter = { calls: 0 };
  // The function is handed to the debugger under a name used once, that learner code cannot know.
  const probe = Symbol.for(`async-ts-course.call-counter.probe-${randomUUID()}`);
  const stop = (): void => {
    delete global[probe];
    try {
      session.post("Debugger.disable");
    } finally {
      session.disconnect();
    }
  };
  try {
    let breakpoint: string | undefined;
    session.on("Debugger.paused", ({ params }) => {
      if (breakpoint !== undefined && params.hitBreakpoints?.includes(breakpoint)) counter.calls++;
      session.post("Debugger.resume");
    });
    post("Debugger.enable");
    global[probe] = fn;
    const target = post<{ result: { objectId?: string } }>("Runtime.evaluate", { expression: `globalThis[Symbol.for(${JSON.stringify(probe.description)})]`, objectGroup: "grader" });
    delete global[probe];
    breakpoint = post<{ breakpointId: string }>("Debugger.setBreakpointOnFunctionCall", { objectId: target.result.objectId }).breakpointId;
    post("Runtime.releaseObjectGroup", { objectGroup: "grader" });
  } catch {
    stop();
    return undefined;
  }
  return {
    get calls() {
      return counter.calls;
    },
    stop,
  };
}
