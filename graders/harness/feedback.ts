/**
 * Teaching failure messages. A check fails with what was observed, what was expected and a hint:
 *   "waited [100, 100, 100] ms between attempts; expected [100, 200, 400]
 *    hint: each wait doubles: backoffMs * 2 ** (attempt - 1)"
 * The reporter shows `message` as is; stack traces of the harness are never shown.
 */
import { inspect } from "node:util";

/** Marker the exercise stubs throw; seeing it means "not started yet". */
export const NOT_IMPLEMENTED = "Not implemented yet";

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

/** The check could not be judged (the file does not load, an export is missing, the check hung): status "error". */
export class GradingError extends Error {
  override name = "GradingError";
}

export function formatExpectation({ observed, expected, hint }: Expectation): string {
  return `${observed}; expected ${expected}${hint ? `\nhint: ${hint}` : ""}`;
}

/** Fails the running check unless `ok`. */
export function expectThat(ok: boolean, e: Expectation): asserts ok {
  if (!ok) throw new CheckFailure(e);
}

/** Compact, single-line rendering of a value for messages. */
export function show(value: unknown): string {
  if (value instanceof Error) return showError(value);
  return inspect(value, { depth: 4, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 200 });
}

export function showError(error: unknown): string {
  if (error instanceof Error) {
    const msg = error.message.split("\n")[0] ?? "";
    return `${error.name}${msg ? `("${msg.length > 160 ? msg.slice(0, 157) + "..." : msg}")` : ""}`;
  }
  return `a non-Error value ${inspect(error, { depth: 2, breakLength: Infinity })}`;
}

export function isNotImplemented(error: unknown): boolean {
  return error instanceof Error && error.message.includes(NOT_IMPLEMENTED);
}

export function notStartedMessage(file: string): string {
  return `not started yet — open ${file}`;
}
