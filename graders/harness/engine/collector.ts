/**
 * A vitest reporter that turns finished test modules into ObservedModule data, grouped by project
 * (one project per graded target). It prints nothing: the CLI decides what to show.
 */
import type { UserConsoleLog } from "vitest";
import type { Reporter, TestCase, TestModule } from "vitest/node";
import type { ObservedCheck, ObservedModule } from "../report/report.ts";

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
  const { grading, leak, timelines } = test.meta();
  return {
    name: test.name,
    meta: grading,
    state: result.state,
    errors: (result.errors ?? []).map((e) => ({ name: e.name, message: e.message })),
    ...(printed ? { output: printed } : {}),
    ...(leak ? { leak } : {}),
    ...(timelines?.length ? { timelines } : {}),
  };
}

/**
 * Errors escaping learner code are charged to their check inside the worker (escapes.ts), so vitest's
 * unhandled errors, which name a file but not a project, are not used to judge checks.
 */
export function observeModule(module: TestModule, output?: OutputLog): ObservedModule {
  const checks = [...module.children.allTests()].map((t) => observeCase(t, output));
  const errors = module.errors().map((e) => ({ name: e.name, message: e.message }));
  return { file: module.moduleId, checks, errors };
}

export class Collector implements Reporter {
  /** Project name (one per graded target) → observed grader modules, once the run ends. */
  projects = new Map<string, ObservedModule[]>();
  readonly output = new OutputLog();

  onUserConsoleLog(log: UserConsoleLog): void {
    this.output.add(log.taskId, log.content);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    this.projects = new Map();
    for (const module of modules) {
      const name = module.project.name;
      if (!this.projects.has(name)) this.projects.set(name, []);
      this.projects.get(name)!.push(observeModule(module, this.output));
    }
  }
}
