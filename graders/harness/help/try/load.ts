/** Imports the learner's module for `npm run try` from the folder chosen (exercises/ by default). */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ExerciseInfo } from "../../core/exercises.ts";
import { isNotImplemented, notStartedMessage } from "../../core/errors.ts";
import { showError } from "../../core/text.ts";
import { displayPath } from "../../core/paths.ts";

export class TryError extends Error {}

export async function loadExercise(info: ExerciseInfo, targetDir: string): Promise<Record<string, unknown>> {
  const file = path.join(targetDir, `${info.id}.ts`);
  const shown = displayPath(file);
  if (!existsSync(file)) throw new TryError(`${shown} is missing`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new TryError(`${shown} does not load: ${showError(error)}`);
  }
  const missing = info.exports.filter((name) => typeof mod[name] !== "function");
  if (missing.length) throw new TryError(`${shown} does not export ${missing.join(", ")}`);
  return mod;
}

/** The stub's "Not implemented yet", said the way the scoreboard says it. */
export function explainFailure(error: unknown, info: ExerciseInfo, targetDir: string): string {
  const shown = displayPath(path.join(targetDir, `${info.id}.ts`));
  if (isNotImplemented(error)) return notStartedMessage(shown);
  if (error instanceof TryError) return error.message;
  return `your code threw ${showError(error)}`;
}
