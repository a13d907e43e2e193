/**
 * Teaching failure messages. A check fails with what was observed, what was expected and a hint:
 *   "waited [100, 100, 100] ms between attempts; expected [100, 200, 400]
 *    hint: each wait doubles: backoffMs * 2 ** (attempt - 1)"
 * The reporter shows `message` as is; stack traces of the harness are never shown.
 */
import { escapedExit } from "../core/errors.ts";
import { displayPath } from "../core/paths.ts";
import { showError, stripAnsi } from "../core/text.ts";

/** The text helpers every grader uses, re-exported so a grader imports its vocabulary from one place. */
export { listSome, plural, show, showError } from "../core/text.ts";

export interface Expectation {
  /** What the learner's code did, phrased as a fact: "waited [100, 100] ms between attempts". */
  observed: string;
  /** What it should have done: "[100, 200]". Printed after "expected". */
  expected: string;
  /** One short nudge towards the fix. */
  hint?: string;
}

/** A check that ran and found the learner's code wrong: status "failed". */
export class CheckFailure extends Error {
  override name = "CheckFailure";
  constructor(e: Expectation) {
    super(formatExpectation(e));
  }
}

export function formatExpectation({ observed, expected, hint }: Expectation): string {
  return `${observed}; expected ${expected}${hint ? `\nhint: ${hint}` : ""}`;
}

/** Fails the running check unless `ok`. */
export function expectThat(ok: boolean, e: Expectation): asserts ok {
  if (!ok) throw new CheckFailure(e);
}

/** Why a learner's file failed to load, in one or two lines: the compiler's complaint and where. */
export function describeLoadError(error: unknown): string {
  const exit = escapedExit(error);
  if (exit !== undefined) return `it calls process.exit(${exit}) while loading; a module must not end the process`;
  const text = stripAnsi(error instanceof Error ? error.message : String(error));
  if (/^Transform failed/.test(text)) {
    const problem = /\[[A-Z_]+\]\s*(.+)/.exec(text)?.[1]?.trim();
    const where = /([^\s\[\]]+\.ts:\d+:\d+)/.exec(text)?.[1];
    return `it does not compile: ${problem ?? text.split("\n")[0]}${where ? ` (at ${where})` : ""}`;
  }
  // The first frame in a .ts file that is not the harness's own (a stand-in throws from graders/harness/).
  // (file:// URLs read as paths; the harness's own frames never name a place in the learner's code.)
  const stack = error instanceof Error ? (error.stack ?? "").replace(/file:\/\/(\/[A-Za-z]:)?/g, (_m, drive?: string) => drive?.slice(1) ?? "") : "";
  const frames = [...stack.matchAll(/^\s*at .*?((?<![A-Za-z])[A-Za-z]:[\\/]|(?<![A-Za-z:])\/)([^\s():]+\.ts):(\d+)/gm)];
  const frame = frames.map((m) => ({ file: m[1]! + m[2]!, line: m[3]! })).find((f) => !/[\\/]graders[\\/]harness[\\/]/.test(f.file));
  return `it throws while loading: ${showError(error)}${frame ? ` (at ${displayPath(frame.file)}:${frame.line})` : ""}`;
}

