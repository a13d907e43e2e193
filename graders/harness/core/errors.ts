/**
 * The words the harness, the sandbox and the learner's helpers share about a run that could not be judged:
 * the stubs' marker, "the harness gave up" (GradingError), and a learner's process.exit as vitest reports it.
 */

/** Marker the exercise stubs throw; seeing it means "not started yet". */
export const NOT_IMPLEMENTED = "Not implemented yet";

export function isNotImplemented(error: unknown): boolean {
  return error instanceof Error && error.message.includes(NOT_IMPLEMENTED);
}

export function notStartedMessage(file: string): string {
  return `not started yet — open ${file}`;
}

/** The check could not be judged (the file does not load, an export is missing, the check hung): status "error". */
export class GradingError extends Error {
  override name = "GradingError";
}

/** vitest turns a learner's process.exit(code) into an Error; returns the code it was called with. */
export function escapedExit(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : "";
  return /process\.exit unexpectedly called with "([^"]*)"/.exec(message)?.[1];
}
