/**
 * Which implementation is graded is chosen at run time, never by a static import:
 *   GRADE_TARGET  a folder holding the exercise files (default: exercises/)
 *   GRADE_FILES   JSON { "<exercise id>": "/abs/file.ts" } overriding single files (known submissions)
 * Both are set by the CLI (graders/harness/cli.ts) before vitest starts its workers.
 */
import path from "node:path";
import { DEFAULT_TARGET } from "./paths.ts";

export const TARGET_ENV = "GRADE_TARGET";
export const FILES_ENV = "GRADE_FILES";

export function targetDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env[TARGET_ENV] || DEFAULT_TARGET);
}

export function fileOverrides(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const raw = env[FILES_ENV];
  if (!raw) return {};
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== "object" || parsed === null) throw new Error(`${FILES_ENV} must be a JSON object`);
  return parsed as Record<string, string>;
}

/** Absolute path of the file that implements exercise `id` in the graded target. */
export function exerciseFile(id: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = fileOverrides(env)[id];
  return override ? path.resolve(override) : path.join(targetDir(env), `${id}.ts`);
}
