/**
 * `defineExercise` → `check` and `load`: the vocabulary a grader file is written in, and the limits every check runs under.
 *
 * The vocabulary a grader file is written in:
 *
 *   const { check, load } = defineExercise<typeof Exercise>("03-retry-async");
 *   check("exact-backoff", "waits 100, 200, 400 ms between attempts", 5, async () => { ... });
 *
 * Each check is a vitest test carrying its points in `meta.grading`, declared once, beside the test.
 * The learner's module is imported lazily, from the folder chosen at run time (see contract.ts), so a file
 * that is missing, does not load or lacks an export costs that exercise's checks only, with a clear message.
 * A check that never finishes is stopped after CHECK_LIMIT_MS of real time, and an exercise whose checks
 * keep hanging stops being run after FILE_BUDGET_MS: bounded time, whatever the learner's code does.
 */
import { test } from "vitest";
import { findExercise } from "../core/exercises.ts";
import { CheckFailure, describeLoadError } from "./feedback.ts";
import { escapedExit, GradingError, isNotImplemented, NOT_IMPLEMENTED, notStartedMessage } from "../core/errors.ts";
import { showError } from "../core/text.ts";
import { displayPath } from "../core/paths.ts";
import { settle } from "./clock.ts";
import { escapeMessage, takeEscapes } from "../sandbox/escapes.ts";
import { changedIntrinsics, intrinsicsMessage, race, restoreIntrinsics } from "../sandbox/intrinsics.ts";
import { findLeaks, leakMessage } from "./leaks.ts";
import { signatureNote } from "./signature.ts";
import { takeTimelines } from "./timeline.ts";
import { realFs } from "../sandbox/real-fs.ts";
import { progressRecorder } from "../core/progress.ts";
import { exerciseFile, onlyChecks, type CheckMeta } from "../core/contract.ts";

/** Logs this worker's checks for the engine, signed with a key learner code never sees (progress.ts). */
const recordProgress = progressRecorder();
/** Real timers, captured before any fake clock is installed. */
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/** A check still running after this much real time is stopped (checks take milliseconds). */
export const CHECK_LIMIT_MS = 5_000;
/** Once checks of one exercise have hung this long in total, its remaining checks are not run. */
export const FILE_BUDGET_MS = 12_000;

/** Thrown by a check whose learner code still throws the stub's "Not implemented yet". */
export class NotStarted extends Error {
  override name = "NotStarted";
}

/** Only these checks run when the engine asked for some (a re-run, one CI step per check); others are skipped. */
const selectedChecks = onlyChecks();

/** What learner code did during the current check that the check itself may only see indirectly. */
const seen = { stub: false, exit: undefined as string | undefined, leak: undefined as string | undefined };
/** Counts checks: a call made in one check that resolves during a later one is not that check's leak. */
let checkNumber = 0;

export function defineExercise<M extends object>(id: string) {
  const info = findExercise(id);
  if (!info || info.id !== id) throw new Error(`unknown exercise id ${id}`);
  const file = exerciseFile(id);
  const shown = displayPath(file);
  let loading: Promise<M> | undefined;
  /** What every failing check of this exercise adds: a signature that differs from the exercise's (signature.ts). */
  let notes: string[] = [];
  let hungMs = 0;

  async function importExercise(): Promise<M> {
    if (!realFs.existsSync(file)) {
      throw new GradingError(`${shown} is missing: create it (copy the stub from the course repository) and export ${info!.exports.join(", ")}`);
    }
    let mod: Record<string, unknown>;
    try {
      // A path, not a file:// URL: vitest then tracks the file, and watch mode regrades on save.
      mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    } catch (error) {
      throw new GradingError(`${shown} does not load: ${describeLoadError(error)}`);
    }
    const changed = changedIntrinsics();
    if (changed.length) {
      restoreIntrinsics();
      throw new GradingError(intrinsicsMessage(changed, "when it loaded"));
    }
    const missing = info!.exports.filter((name) => typeof mod[name] !== "function");
    if (missing.length) {
      throw new GradingError(`${shown} does not export ${missing.join(", ")}; expected \`export function ${missing[0]}…\` (or \`export class\`)`);
    }
    notes = Object.entries(info!.signatures).flatMap(([name, params]) => signatureNote(name, mod[name], params) ?? []);
    return observe(mod) as M;
  }

  /** The learner's module, imported once per grader file. */
  function load(): Promise<M> {
    loading ??= importExercise();
    return loading;
  }

  /** Runs `body`, stopping it after CHECK_LIMIT_MS of real time. */
  async function bounded(body: () => Promise<void> | void): Promise<void> {
    if (hungMs >= FILE_BUDGET_MS) {
      throw new GradingError(`not run: earlier checks of this exercise never finished (${Math.round(hungMs / 1000)} s spent waiting)`);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = realSetTimeout(() => {
        hungMs += CHECK_LIMIT_MS;
        reject(
          new GradingError(
            `this check never finished: after ${CHECK_LIMIT_MS / 1000} s of real time your code was still running. ` +
              "Is there a promise that never resolves, or a loop waiting for something that never happens?",
          ),
        );
      }, CHECK_LIMIT_MS);
    });
    try {
      // `race` from captured parts (intrinsics.ts): a replaced Promise.race cannot end a check early.
      await race([new Promise<void>((resolve) => resolve(body())), limit]);
    } finally {
      realClearTimeout(timer);
    }
  }

  /** Declares one graded check worth `points`. */
  function check(checkId: string, title: string, points: number, body: () => Promise<void> | void): void {
    const meta: CheckMeta = { exercise: id, check: checkId, points };
    const selected = selectedChecks === undefined || selectedChecks.has(`${id}/${checkId}`);
    (selected ? test : test.skip)(title, { meta: { grading: meta } }, async ({ task }) => {
      checkNumber++;
      seen.stub = false;
      seen.exit = undefined;
      seen.leak = undefined;
      takeEscapes(); // errors from before this check are not its fault
      takeTimelines();
      recordProgress({ event: "start", check: title });
      try {
        let failure: unknown;
        await bounded(body).catch((error: unknown) => (failure = error));
        await settle(); // let an unhandled rejection of this check surface
        if (seen.leak) task.meta.leak = seen.leak;
        const timelines = takeTimelines();
        if (timelines.length) task.meta.timelines = timelines;
        const escaped = takeEscapes();
        if (escaped.length && !(failure instanceof GradingError)) failure = new CheckFailureText(escapeMessage(escaped[0]));
        const changed = changedIntrinsics();
        if (changed.length) {
          restoreIntrinsics(); // the next check starts with the real ones
          failure = new CheckFailureText(intrinsicsMessage(changed, "during this check"));
        }
        if (failure !== undefined) throw failure;
        recordProgress({ event: "end", check: title, state: "passed" });
      } catch (error) {
        const shownError = withNotes(explain(error, shown), notes);
        recordProgress({ event: "end", check: title, state: "failed", error: { name: shownError.name, message: shownError.message } });
        throw shownError;
      }
    });
  }

  return { check, load, file: shown, info };
}

/** A check's failure with the exercise's notes added (never a hang or "not started": their message is the whole story). */
function withNotes(error: Error, notes: readonly string[]): Error {
  if (!notes.length || error instanceof GradingError || error instanceof NotStarted) return error;
  const noted = new CheckFailureText(`${error.message}\n${notes.join("\n")}`);
  noted.name = error.name;
  return noted;
}

/** A failure whose whole message is already written. */
class CheckFailureText extends Error {
  override name = "CheckFailure";
}

/** Turns whatever a check threw into the error the learner should read. */
export function explain(error: unknown, shownFile: string): Error {
  if (error instanceof GradingError || error instanceof CheckFailureText) return error;
  const exit = seen.exit ?? escapedExit(error);
  if (exit !== undefined) {
    return new CheckFailure({
      observed: `your code called process.exit(${exit})`,
      expected: "a function that reports failure by rejecting its promise, never by ending the process",
      hint: "remove process.exit; throw an Error (in an async function that rejects the promise) instead",
    });
  }
  if (seen.stub || isNotImplemented(error) || (error instanceof Error && error.message.includes(NOT_IMPLEMENTED))) {
    return new NotStarted(notStartedMessage(shownFile));
  }
  if (error instanceof CheckFailure) return error;
  return new CheckFailure({
    observed: `the check stopped because your code threw ${showError(error)}`,
    expected: "no unexpected error",
    hint: `read the exercise contract at the top of ${shownFile}`,
  });
}

function notice(error: unknown): void {
  if (isNotImplemented(error)) seen.stub = true;
  seen.exit ??= escapedExit(error);
}

/** The learner's function settled: the first leak of the check, if any, is kept for its report. */
function settled(name: string, how: "resolved" | "rejected"): void {
  if (seen.leak) return;
  const found = findLeaks();
  if (found.length) seen.leak = leakMessage(name, found, how);
}

/**
 * Wraps the module's plain functions to notice what learner code threw or rejected with (the stub's
 * "Not implemented yet", a process.exit call), even when a check only sees it as "rejected with …", and
 * what it left running when it resolved or rejected (a leak). The leak probe is registered on the learner's promise
 * before the grader gets it, so it runs before the grader's own callbacks: nothing has moved on yet.
 * Classes are left as they are (a Proxy would break private fields); their methods throw into the check.
 */
function observe(mod: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...mod };
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value !== "function" || /^class[\s{]/.test(Function.prototype.toString.call(value))) continue;
    out[name] = new Proxy(value, {
      apply(target, thisArg, args) {
        try {
          const result: unknown = Reflect.apply(target, thisArg, args);
          const calledIn = checkNumber;
          // (A call a failed check left running may resolve during a later check: not that check's leak.)
          if (result instanceof Promise) {
            result.then(
              () => calledIn === checkNumber && settled(name, "resolved"),
              (error: unknown) => {
                notice(error);
                if (calledIn === checkNumber) settled(name, "rejected");
              },
            );
          }
          return result;
        } catch (error) {
          notice(error);
          throw error;
        }
      },
    });
  }
  return out;
}
