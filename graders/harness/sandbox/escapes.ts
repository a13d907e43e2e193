/**
 * Errors that escape learner code: a rejected promise nobody handles, a throw inside a callback, or a
 * process.exit() in a callback (which vitest turns into a throw). Collected here, per worker, and charged
 * by grader.ts to the check during which they happened. vitest reports such errors itself only when
 * nothing else listens; it would then blame every project grading the same file, so we listen.
 */
import { escapedExit } from "../core/errors.ts";
import { showError } from "../core/text.ts";

const escaped: unknown[] = [];
let watching = false;

/** Starts collecting (once per worker; the setup file calls it). */
export function watchEscapes(): void {
  if (watching) return;
  watching = true;
  process.on("unhandledRejection", (reason) => escaped.push(reason));
  process.on("uncaughtException", (error) => escaped.push(error));
}

/** Returns and forgets the errors collected since the last call. */
export function takeEscapes(): unknown[] {
  return escaped.splice(0);
}

/** The message a check fails with when `error` escaped during it. */
export function escapeMessage(error: unknown): string {
  const exit = escapedExit(error);
  if (exit !== undefined) return `your code called process.exit(${exit}) during this check; a function must report failure by rejecting, never by ending the process`;
  return (
    `an error escaped your code during this check (an unhandled rejection, or a throw in a callback): ${showError(error)}` +
    "\nhint: every promise you start must be awaited or have a .catch; wrap callback code in try/catch"
  );
}
