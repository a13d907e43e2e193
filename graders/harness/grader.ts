/**
 * The vocabulary a grader file is written in:
 *
 *   const { check, load } = defineExercise<typeof Exercise>("03-retry-async");
 *   check("exact-backoff", "waits 100, 200, 400 ms between attempts", 5, async () => { ... });
 *
 * Each check is a vitest test carrying its points in `meta.grading`, declared once, beside the test.
 * The learner's module is imported lazily, from the folder chosen at run time (see target.ts), so a file
 * that is missing, does not load or lacks an export costs that exercise's checks only, with a clear message.
 */
import { createRequire } from "node:module";
import { test } from "vitest";
import { findExercise } from "./exercises.ts";
import { CheckFailure, GradingError, NOT_IMPLEMENTED, isNotImplemented, notStartedMessage, showError } from "./feedback.ts";
import { displayPath } from "./paths.ts";
import { recordProgress } from "./progress.ts";
import { exerciseFile, exerciseUrl } from "./target.ts";

export interface CheckMeta {
  exercise: string;
  check: string;
  points: number;
}

declare module "@vitest/runner" {
  interface TaskMeta {
    grading?: CheckMeta;
  }
}

/** The real `node:fs`: graders' own `node:fs` imports are routed to memfs by the setup file. */
const realFs = createRequire(import.meta.url)("node:fs") as typeof import("node:fs");

/** Thrown by a check whose learner code still throws the stub's "Not implemented yet". */
export class NotStarted extends Error {
  override name = "NotStarted";
}

export function defineExercise<M extends object>(id: string) {
  const info = findExercise(id);
  if (!info || info.id !== id) throw new Error(`unknown exercise id ${id}`);
  const file = exerciseFile(id);
  const shown = displayPath(file);
  let loading: Promise<M> | undefined;

  async function importExercise(): Promise<M> {
    if (!realFs.existsSync(file)) {
      throw new GradingError(`${shown} is missing: create it (copy the stub from the course repository) and export ${info!.exports.join(", ")}`);
    }
    let mod: Record<string, unknown>;
    try {
      mod = (await import(/* @vite-ignore */ exerciseUrl(id))) as Record<string, unknown>;
    } catch (error) {
      throw new GradingError(`${shown} does not load: ${showError(error)}${locate(error)}`);
    }
    const missing = info!.exports.filter((name) => typeof mod[name] !== "function");
    if (missing.length) {
      throw new GradingError(`${shown} does not export ${missing.join(", ")}; expected \`export function ${missing[0]}…\` (or \`export class\`)`);
    }
    return observe(mod) as M;
  }

  /** The learner's module, imported once per grader file. */
  function load(): Promise<M> {
    loading ??= importExercise();
    return loading;
  }

  /** Declares one graded check worth `points`. */
  function check(checkId: string, title: string, points: number, body: () => Promise<void> | void): void {
    const meta: CheckMeta = { exercise: id, check: checkId, points };
    const selected = onlyChecks === undefined || onlyChecks.has(`${id}/${checkId}`);
    (selected ? test : test.skip)(title, { meta: { grading: meta } }, async () => {
      stubSeen = false;
      recordProgress({ event: "start", check: title });
      try {
        await body();
        recordProgress({ event: "end", check: title, state: "passed" });
      } catch (error) {
        const shownError = explain(stubSeen ? new Error(NOT_IMPLEMENTED) : error, shown);
        recordProgress({ event: "end", check: title, state: "failed", error: { name: shownError.name, message: shownError.message } });
        throw shownError;
      }
    });
  }

  return { check, load, file: shown, info };
}

/** Turns whatever a check threw into the error the learner should read. */
export function explain(error: unknown, shownFile: string): Error {
  if (error instanceof GradingError) return error;
  if (isNotImplemented(error) || (error instanceof Error && isNotImplemented(new Error(error.message)))) {
    return new NotStarted(notStartedMessage(shownFile));
  }
  if (error instanceof CheckFailure) return error;
  return new CheckFailure({
    observed: `the check stopped because your code threw ${showError(error)}`,
    expected: "no unexpected error",
    hint: `read the exercise contract at the top of ${shownFile}`,
  });
}

/** GRADE_ONLY_CHECKS="<exercise>/<check>,…" runs only those checks (one CI step per check); others are skipped. */
const onlyChecks = process.env.GRADE_ONLY_CHECKS ? new Set(process.env.GRADE_ONLY_CHECKS.split(",")) : undefined;

/** Set when learner code threw or rejected with the stub's "Not implemented yet" during the current check. */
let stubSeen = false;

function noticeStub(error: unknown): void {
  if (isNotImplemented(error)) stubSeen = true;
}

/**
 * Wraps the module's plain functions to notice the stub's "Not implemented yet", even when a check only
 * sees it as "rejected with …". Classes are left as they are (a Proxy would break private fields); their
 * stub methods throw straight into the check.
 */
function observe(mod: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...mod };
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value !== "function" || /^class[\s{]/.test(Function.prototype.toString.call(value))) continue;
    out[name] = new Proxy(value, {
      apply(target, thisArg, args) {
        try {
          const result: unknown = Reflect.apply(target, thisArg, args);
          if (result instanceof Promise) result.then(undefined, noticeStub);
          return result;
        } catch (error) {
          noticeStub(error);
          throw error;
        }
      },
    });
  }
  return out;
}

function locate(error: unknown): string {
  const frame = error instanceof Error ? /\((\/[^)]+:\d+:\d+)\)/.exec(error.stack ?? "")?.[1] : undefined;
  return frame ? ` (at ${displayPath(frame)})` : "";
}
