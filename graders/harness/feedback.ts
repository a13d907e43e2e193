/**
 * Teaching failure messages. A check fails with what was observed, what was expected and a hint:
 *   "waited [100, 100, 100] ms between attempts; expected [100, 200, 400]
 *    hint: each wait doubles: backoffMs * 2 ** (attempt - 1)"
 * The reporter shows `message` as is; stack traces of the harness are never shown.
 */
import { inspect } from "node:util";
import type { Outcome } from "./clock.ts";
import { displayPath } from "./paths.ts";

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

/** "1 request", "3 requests" */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The first few items, then "…and N more". */
export function listSome(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown}, …and ${items.length - max} more` : shown;
}

/**
 * What a run driven in virtual time did, for an `observed:` line: "resolved with 42 at 300 ms",
 * "rejected with RangeError(…) at 0 ms", "never settled (…)". `ask` is the question a pending run raises
 * for this exercise: why nothing was left to fire (stuck), or why timers kept firing (runaway).
 */
export function describeOutcome(o: Outcome<unknown>, ask: { stuck: string; runaway: string }): string {
  switch (o.state) {
    case "fulfilled":
      return `resolved with ${show(o.value)} at ${o.at} ms`;
    case "rejected":
      return `rejected with ${showError(o.reason)} at ${o.at} ms`;
    case "threw":
      return `threw ${showError(o.error)} synchronously instead of returning a promise`;
    case "pending":
      return o.why === "stuck"
        ? `never settled (stuck at ${o.at} ms of virtual time with no timer pending — ${ask.stuck})`
        : `was still pending after ${o.at} ms of virtual time (${plural(o.timers, "timer")} still set — ${ask.runaway})`;
  }
}

export function isNotImplemented(error: unknown): boolean {
  return error instanceof Error && error.message.includes(NOT_IMPLEMENTED);
}

export function notStartedMessage(file: string): string {
  return `not started yet — open ${file}`;
}

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** vitest turns a learner's process.exit(code) into an Error; returns the code it was called with. */
export function escapedExit(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : "";
  return /process\.exit unexpectedly called with "([^"]*)"/.exec(message)?.[1];
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

/**
 * Makes learner-controlled text safe to print in a CI log: a line starting with "::" (or "##[") would be
 * read by GitHub Actions as a workflow command, e.g. a forged "::notice title=Autograding report::".
 */
export function neutralizeCommands(text: string): string {
  return stripAnsi(text).replace(/^(\s*)(::|##\[)/gm, "$1› $2");
}
