/**
 * Text helpers: CRLF-tolerant reading, values and errors shown in one line, plurals, lists, ANSI and CI-command safety.
 */
import { inspect } from "node:util";

/**
 * Text read from the course's own files (fixtures, hints, known submissions, .gitignore). A checkout
 * made by Git for Windows without .gitattributes, or a file saved by a Windows editor, has CRLF line
 * ends: every reader splits lines after `lf()`, so `\r` never ends up inside a value.
 */
export function lf(text: string): string {
  return text.replace(/\r\n?/g, "\n");
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

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/**
 * Makes learner-controlled text safe to print in a CI log: a line starting with "::" (or "##[") would be
 * read by GitHub Actions as a workflow command, e.g. a forged "::notice title=Autograding report::".
 */
export function neutralizeCommands(text: string): string {
  return stripAnsi(text).replace(/^(\s*)(::|##\[)/gm, "$1› $2");
}
