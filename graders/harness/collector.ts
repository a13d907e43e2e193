/**
 * A vitest reporter that turns finished test modules into ObservedModule data, grouped by project
 * (one project per graded target). It prints nothing: the CLI decides what to show.
 */
import type { Reporter, TestCase, TestModule } from "vitest/node";
import type { ObservedCheck, ObservedModule } from "./report.ts";

type SerializedError = { name?: string; message?: string; VITEST_TEST_PATH?: string; VITEST_TEST_NAME?: string };

export interface RunResult {
  /** Project name → observed grader modules. */
  projects: Map<string, ObservedModule[]>;
  /** Errors vitest could not attach to a file. */
  unattributed: SerializedError[];
}

export function observeCase(test: TestCase): ObservedCheck {
  const result = test.result();
  return {
    name: test.name,
    meta: test.meta().grading,
    state: result.state,
    errors: (result.errors ?? []).map((e) => ({ name: e.name, message: e.message })),
  };
}

export function observeModule(module: TestModule, unhandled: SerializedError[]): ObservedModule {
  const checks = [...module.children.allTests()].map(observeCase);
  const errors = module.errors().map((e) => ({ name: e.name, message: e.message }));
  for (const e of unhandled) {
    if (e.VITEST_TEST_PATH !== module.moduleId) continue;
    const check = checks.find((c) => c.name === e.VITEST_TEST_NAME);
    const message = `an error escaped your code during this check (an unhandled rejection or a throw in a callback): ${e.name ?? "Error"}: ${e.message ?? ""}`;
    if (check) {
      check.state = "failed";
      check.errors.unshift({ name: "CheckFailure", message });
    } else errors.push({ name: "GradingError", message });
  }
  return { file: module.moduleId, checks, errors };
}

export class Collector implements Reporter {
  result: RunResult = { projects: new Map(), unattributed: [] };
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
      projects.get(name)!.push(observeModule(module, unhandled));
    }
    const known = new Set(modules.map((m) => m.moduleId));
    this.result = { projects, unattributed: unhandled.filter((e) => !e.VITEST_TEST_PATH || !known.has(e.VITEST_TEST_PATH)) };
    await this.onEnd?.(this.result);
  }
}
