/**
 * A vitest reporter that turns finished test modules into ObservedModule data, grouped by project
 * (one project per graded target). It prints nothing: the CLI decides what to show.
 */
import type { UserConsoleLog } from "vitest";
import type { Reporter, TestCase, TestModule } from "vitest/node";
import { escapedExit } from "./feedback.ts";
import type { ObservedCheck, ObservedModule } from "./report.ts";

type SerializedError = { name?: string; message?: string; VITEST_TEST_PATH?: string; VITEST_TEST_NAME?: string };

export interface RunResult {
  /** Project name → observed grader modules. */
  projects: Map<string, ObservedModule[]>;
  /** Errors vitest could not attach to a file. */
  unattributed: SerializedError[];
}

/** At most this much of what learner code prints is kept per check. */
export const OUTPUT_LINES = 12;
export const OUTPUT_LINE_CHARS = 200;

/** Keeps the first lines a check printed, each cut short, and counts the rest. */
export class OutputLog {
  private readonly byTask = new Map<string, { lines: string[]; dropped: number }>();

  add(taskId: string | undefined, content: string): void {
    if (!taskId) return;
    const entry = this.byTask.get(taskId) ?? { lines: [], dropped: 0 };
    this.byTask.set(taskId, entry);
    for (const line of content.replace(/\n$/, "").split("\n")) {
      if (entry.lines.length < OUTPUT_LINES) entry.lines.push(line.length > OUTPUT_LINE_CHARS ? `${line.slice(0, OUTPUT_LINE_CHARS)}… (${line.length} characters)` : line);
      else entry.dropped++;
    }
  }

  text(taskId: string): string | undefined {
    const entry = this.byTask.get(taskId);
    if (!entry) return undefined;
    return entry.lines.join("\n") + (entry.dropped ? `\n… and ${entry.dropped} more lines` : "");
  }
}

export function observeCase(test: TestCase, output?: OutputLog): ObservedCheck {
  const result = test.result();
  const printed = output?.text(test.id);
  return {
    name: test.name,
    meta: test.meta().grading,
    state: result.state,
    errors: (result.errors ?? []).map((e) => ({ name: e.name, message: e.message })),
    ...(printed ? { output: printed } : {}),
  };
}

export function observeModule(module: TestModule, unhandled: SerializedError[], output?: OutputLog): ObservedModule {
  const checks = [...module.children.allTests()].map((t) => observeCase(t, output));
  const errors = module.errors().map((e) => ({ name: e.name, message: e.message }));
  for (const e of unhandled) {
    if (e.VITEST_TEST_PATH !== module.moduleId) continue;
    const check = checks.find((c) => c.name === e.VITEST_TEST_NAME);
    const exit = escapedExit(e.message);
    const message =
      exit !== undefined
        ? `your code called process.exit(${exit}) during this check; a function must report failure by rejecting, never by ending the process`
        : `an error escaped your code during this check (an unhandled rejection, or a throw in a callback): ${e.name ?? "Error"}: ${(e.message ?? "").split("\n")[0]}\nhint: every promise you start must be awaited or have a .catch; wrap callback code in try/catch`;
    if (check) {
      check.state = "failed";
      check.errors.unshift({ name: "CheckFailure", message });
    } else errors.push({ name: "GradingError", message });
  }
  return { file: module.moduleId, checks, errors };
}

export class Collector implements Reporter {
  result: RunResult = { projects: new Map(), unattributed: [] };
  readonly output = new OutputLog();

  onUserConsoleLog(log: UserConsoleLog): void {
    this.output.add(log.taskId, log.content);
  }

  private onEnd: ((result: RunResult) => void | Promise<void>) | undefined;

  constructor(onEnd?: (result: RunResult) => void | Promise<void>) {
    this.onEnd = onEnd;
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): Promise<void> {
    const unhandled = unhandledErrors as SerializedError[];
    const projects = new Map<string, ObservedModule[]>();
    for (const module of modules) {
      const name = module.project.name;
      if (!projects.has(name)) projects.set(name, []);
      projects.get(name)!.push(observeModule(module, unhandled, this.output));
    }
    const known = new Set(modules.map((m) => m.moduleId));
    this.result = { projects, unattributed: unhandled.filter((e) => !e.VITEST_TEST_PATH || !known.has(e.VITEST_TEST_PATH)) };
    await this.onEnd?.(this.result);
  }
}
