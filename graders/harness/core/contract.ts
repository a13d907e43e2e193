/**
 * The engine↔worker contract: everything the engine tells a grader worker travels in environment
 * variables, and every one of them is named and parsed here, on both sides.
 *
 *   GRADE_TARGET        a folder holding the exercise files (default: exercises/)
 *   GRADE_FILES         JSON { "<exercise id>": "/abs/file.ts" } overriding single files (known submissions)
 *   GRADE_ONLY_CHECKS   "<exercise>/<check>,…": run only those checks (a re-run, one CI step per check)
 *   GRADE_RUN           the label of this grading run, written into each progress record
 *   GRADE_PROGRESS_DIR  where the worker logs its checks for the engine (progress.ts)
 *   GRADE_PROGRESS_KEY  the key those records are signed with (taken out of the environment at once)
 *   GRADE_PATH_FLAVOR   "win32": learner paths as Windows writes them (the self-test only; path-flavor.ts)
 *
 * Which implementation is graded is chosen at run time, never by a static import. What a check reports
 * back to the engine travels in vitest's task meta (`CheckMeta`) and in the signed progress log.
 */
import path from "node:path";
import { DEFAULT_TARGET } from "./paths.ts";
import type { Timeline } from "./timeline.ts";

export const TARGET_ENV = "GRADE_TARGET";
export const FILES_ENV = "GRADE_FILES";
export const ONLY_CHECKS_ENV = "GRADE_ONLY_CHECKS";
export const RUN_ENV = "GRADE_RUN";
export const PROGRESS_ENV = "GRADE_PROGRESS_DIR";
export const KEY_ENV = "GRADE_PROGRESS_KEY";
export const PATH_FLAVOR_ENV = "GRADE_PATH_FLAVOR";

export type PathFlavor = "win32";

/** What one grading run asks of its workers (engine side). */
export interface WorkerRequest {
  target: string;
  label: string;
  files?: Readonly<Record<string, string>>;
  checks?: readonly string[];
  progressDir?: string;
  pathFlavor?: PathFlavor;
}

/** The environment a worker is started with for `request` (the key is added by progress.ts). */
export function workerEnv(request: WorkerRequest): Record<string, string> {
  return {
    [TARGET_ENV]: path.resolve(request.target),
    [RUN_ENV]: request.label,
    ...(request.checks?.length ? { [ONLY_CHECKS_ENV]: request.checks.join(",") } : {}),
    ...(request.progressDir ? { [PROGRESS_ENV]: request.progressDir } : {}),
    ...(request.pathFlavor ? { [PATH_FLAVOR_ENV]: request.pathFlavor } : {}),
    [FILES_ENV]: JSON.stringify(Object.fromEntries(Object.entries(request.files ?? {}).map(([k, v]) => [k, path.resolve(v)]))),
  };
}

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

/** The checks this worker may run ("<exercise>/<check>"), or undefined for all of them. */
export function onlyChecks(env: NodeJS.ProcessEnv = process.env): ReadonlySet<string> | undefined {
  const raw = env[ONLY_CHECKS_ENV];
  return raw ? new Set(raw.split(",")) : undefined;
}

export function pathFlavor(env: NodeJS.ProcessEnv = process.env): PathFlavor | undefined {
  return env[PATH_FLAVOR_ENV] === "win32" ? "win32" : undefined;
}

/** What each check carries in vitest's task meta, for the engine's collector. */
export interface CheckMeta {
  exercise: string;
  check: string;
  points: number;
}

declare module "@vitest/runner" {
  interface TaskMeta {
    grading?: CheckMeta;
    /** Set by the check: what the function under test left running when it resolved (see leaks.ts). */
    leak?: string;
    /** Set by the check: what it saw happen over time, for the reports to draw (timeline.ts). */
    timelines?: Timeline[];
  }
}
