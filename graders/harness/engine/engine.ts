/**
 * Grades one or many targets in a single vitest run: one vitest project per target, each running the
 * graders with its own GRADE_TARGET / GRADE_FILES. Starting vitest once for many targets is what makes
 * the self-test and batch grading fast.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { createVitest, type Reporter } from "vitest/node";
import { Collector } from "./collector.ts";
import { GRADING_TEST_CONFIG } from "./config.ts";
import { EXERCISES } from "../core/exercises.ts";
import { fenceLearnerImports } from "../sandbox/fence.ts";
import { REPO_ROOT } from "../core/paths.ts";
import { win32PathForLearner } from "../sandbox/path-flavor.ts";
import { workerExecArgv } from "../sandbox/permissions.ts";
import { progressKey, readProgress, type ProgressEvent } from "../core/progress.ts";
import { buildReport, type GradeReport, type ObservedModule } from "../report/report.ts";
import { Watchdog, hangMessage, type Hung } from "./watchdog.ts";
import { modifiedFiles } from "../core/integrity.ts";
import { workerEnv, type PathFlavor } from "../core/contract.ts";
import { warmForks } from "./warm-pool.ts";

export interface GradeRun {
  /** Unique name of the run (a vitest project name). */
  label: string;
  /** Folder with the exercise files. */
  target: string;
  /** Single-file overrides: exercise id → file. */
  files?: Record<string, string>;
  /** Exercise ids to grade (default: all). */
  exercises?: readonly string[];
  /** Only these checks ("<exercise>/<check id>"); the others are skipped (default: all). */
  checks?: readonly string[];
  /** Self-test only: the learner's paths as on Windows, on any OS (path-flavor.ts). */
  pathFlavor?: PathFlavor;
}

export const CONFIG_FILE = path.join(REPO_ROOT, "vitest.config.ts");

export function graderFile(id: string): string {
  return path.join(REPO_ROOT, "graders", `${id}.test.ts`);
}

export const DEFAULT_HANG_MS = 10_000;

type VitestOptions = NonNullable<Parameters<typeof createVitest>[1]>;
type Project = NonNullable<NonNullable<NonNullable<Parameters<typeof createVitest>[2]>["test"]>["projects"]>[number];

/**
 * The one way the course starts vitest for grading (the engine, watch mode and the benchmark): the grading
 * configuration file, the repository as root, `gradingWorkers()` workers, these reporters and projects.
 * `extra` adds or overrides vitest options (watch mode, a shuffle seed, a benchmark's variant).
 */
export function createGradingVitest(reporters: Reporter[], projects: Project[], extra: VitestOptions = {}) {
  return createVitest(
    "test",
    { config: CONFIG_FILE, root: REPO_ROOT, watch: false, reporters, passWithNoTests: true, maxWorkers: gradingWorkers(), ...extra },
    { test: { projects } },
  );
}

export function withPool<P extends { test: object }>(project: P, pool: ReturnType<typeof warmForks>): P {
  return { ...project, test: { ...project.test, pool } };
}

export function projectFor(run: GradeRun, progressDir?: string) {
  const ids = run.exercises?.length ? run.exercises : EXERCISES.map((e) => e.id);
  const learnerFiles = [...EXERCISES.map((e) => path.join(run.target, `${e.id}.ts`)), ...Object.values(run.files ?? {})];
  // Workers read the course and the graded files, and write only the progress logs (permissions.ts).
  // The graded files are granted one by one as well: Node's permission model grants a path that does not
  // exist as that exact file, so a missing target folder would make even "does the file exist?" throw.
  const execArgv = workerExecArgv(REPO_ROOT, {
    read: [run.target, ...learnerFiles, ...Object.values(run.files ?? {}).map((f) => path.dirname(path.resolve(f)))],
    write: progressDir ? [progressDir] : [],
  });
  return {
    plugins: [...fenceLearnerImports(learnerFiles), ...(run.pathFlavor === "win32" ? [win32PathForLearner(learnerFiles)] : [])],
    test: {
      ...GRADING_TEST_CONFIG,
      root: REPO_ROOT,
      name: run.label,
      ...(execArgv.length ? { execArgv } : {}),
      include: ids.map((id) => `graders/${id}.test.ts`),
      env: workerEnv({ ...run, ...(progressDir ? { progressDir } : {}) }),
    },
  };
}

/**
 * Worker processes at once. vitest's default leaves a core free (1 worker on 2 cores), but grader workers
 * mostly wait on the main process, and the three exercises of one target should not wait for each other
 * (one that hangs then delays nothing): at least 3.
 */
export function gradingWorkers(): number {
  return Math.max(3, availableParallelism());
}

export interface GradeOptions {
  /** A check running longer than this (real ms) has blocked its worker: it is stopped. */
  hangMs?: number;
  /** Run checks in a shuffled order with this seed (the self-test's determinism rounds). */
  shuffleSeed?: number;
  /** Called as grader files finish: (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** A folder for the run's own files (the progress logs), owned and removed by the caller; default: a new temp folder. */
  workDir?: string;
}

/** Grades every run and returns one report per run, in the same order. */
export async function gradeRuns(runs: GradeRun[], options: GradeOptions = {}): Promise<GradeReport[]> {
  const hangMs = options.hangMs ?? DEFAULT_HANG_MS;
  const progressDir = options.workDir ? mkdtempSync(path.join(options.workDir, "progress-")) : mkdtempSync(path.join(tmpdir(), "grade-progress-"));
  const collector = new Collector();
  progressKey(); // made before the workers start: they inherit it (progress.ts)
  const watchdog = new Watchdog(progressDir, hangMs);
  const vitest = await createGradingVitest(
    [collector, progressReporter(runs, options.onProgress)],
    // Workers forked through warm-pool.ts (without a spare): the watchdog kills only this pool's workers.
    runs.map((run) => withPool(projectFor(run, progressDir), warmForks({ spare: false }))),
    options.shuffleSeed !== undefined ? { sequence: { shuffle: true, seed: options.shuffleSeed } } : {},
  );
  watchdog.start();
  let logged: ProgressEvent[] = [];
  try {
    await vitest.start();
  } finally {
    watchdog.stop();
    await vitest.close();
    logged = [...readProgress(progressDir).values()].flat();
    rmSync(progressDir, { recursive: true, force: true });
  }
  const modified = modifiedFiles();
  return runs.map((run) => {
    const modules = collector.projects.get(run.label) ?? [];
    for (const hung of watchdog.hung.filter((h) => h.run === run.label)) applyHang(modules, hung, hangMs);
    confirmPasses(modules, logged, run.label);
    const report = buildReport(path.resolve(run.target), modules, run.exercises);
    return modified.length ? { ...report, modified } : report;
  });
}

function progressReporter(runs: GradeRun[], onProgress: GradeOptions["onProgress"]): Reporter {
  const total = runs.reduce((sum, r) => sum + (r.exercises?.length || EXERCISES.length), 0);
  let done = 0;
  return { onTestModuleEnd: () => onProgress?.(++done, total) };
}

export const UNCONFIRMED =
  "the grader could not confirm this check's result: its worker never recorded the pass (its record is missing or does not verify). " +
  "Code that reaches into the grader's own machinery gets no points for the checks it touches";

/**
 * What decides a verdict is the worker's signed log (progress.ts), not vitest's report alone, which
 * travels through state learner code shares: a check vitest saw pass counts only if its worker logged
 * that pass, with a valid signature, for this run and grader file.
 */
export function confirmPasses(modules: ObservedModule[], logged: readonly ProgressEvent[], run: string): void {
  const passed = new Set(logged.filter((e) => e.event === "end" && e.state === "passed" && e.run === run).map((e) => `${e.file}\u0000${e.check}`));
  for (const module of modules) {
    for (const check of module.checks) {
      if (check.state !== "passed" || passed.has(`${module.file}\u0000${check.name}`)) continue;
      check.state = "failed";
      check.errors = [{ name: "GradingError", message: UNCONFIRMED }];
    }
  }
}

/** Rewrites the module of a stopped worker: checks logged before the hang keep their verdicts. */
export function applyHang(modules: ObservedModule[], hung: Hung, hangMs: number): void {
  const module = modules.find((m) => m.file === hung.file);
  if (!module) return;
  const ended = new Map(hung.events.filter((e) => e.event === "end" && e.file === hung.file).map((e) => [e.check, e]));
  const message = hangMessage(hung.check, hangMs);
  for (const check of module.checks) {
    const end = ended.get(check.name);
    if (end?.event === "end") {
      check.state = end.state;
      check.errors = end.error ? [end.error] : [];
    } else if (check.name === hung.check) {
      check.state = "failed";
      check.errors = [{ name: "GradingError", message }];
    } else {
      check.state = "failed";
      check.errors = [{ name: "GradingError", message: `not run: the check "${hung.check}" hung and the grader had to stop this exercise` }];
    }
  }
  module.errors = [{ name: "GradingError", message }];
}
