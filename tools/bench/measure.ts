/**
 * The measurements: child processes timed, in-process grades profiled, watch sessions and batches driven.
 * vitest and the engine are imported lazily, so the pure modules stay cheap to import in the unit test.
 */
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Reporter, TestModule } from "vitest/node";
import { TARGET_ENV } from "../../graders/harness/core/contract.ts";
import { EXERCISES } from "../../graders/harness/core/exercises.ts";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";
import type { GradeReport } from "../../graders/harness/report/report.ts";
import { killTree, treeRoot } from "../../graders/harness/engine/process-tree.ts";
import { onShutdown } from "../../graders/harness/engine/shutdown.ts";
import type { BenchOptions } from "./options.ts";
import { CHROMIUM, hasChromium, launchChromium } from "../chromium.ts";
import { EXPERIMENT_BATCH, type BatchRun, type Experiment, type FileProfile, type HtmlBench, type HtmlPage, type Machine, type ProfileRun, type WatchSession } from "./report.ts";
import { formatBytes, formatMs } from "./format.ts";
import { childrenCpuMsFromStat, median, rotated } from "./stats.ts";

export const BENCH_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "main.ts");
export const LAUNCHER = path.join(REPO_ROOT, "graders", "harness", "commands", "launch.mjs");
const WATCH_FILE = path.join(REPO_ROOT, "graders", "harness", "commands", "watch.ts");
const SOLUTIONS = path.join(REPO_ROOT, "solutions");


export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

const cleanEnv = (): NodeJS.ProcessEnv => ({ ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST"))), FORCE_COLOR: "0" });

/** Runs a command in its own process group, like gradeIsolated; returns wall time and stdout. Kills the group at the end. */
export async function timedChild(args: string[], deadlineMs = 120_000): Promise<{ ms: number; cpuMs: number; stdout: string }> {
  const cpu0 = childrenCpuMs();
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, ...treeRoot(), stdio: ["ignore", "pipe", "pipe", "ipc"], env: cleanEnv() });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const killGroup = () => void killTree(child);
  const timer = setTimeout(killGroup, deadlineMs);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const ms = performance.now() - started;
  clearTimeout(timer);
  killGroup();
  if (code !== 0) throw new Error(`${args.join(" ")} exited with ${code}:\n${stderr}`);
  return { ms, cpuMs: childrenCpuMs() - cpu0, stdout };
}

interface BenchFiles {
  dir: string;
  /** Relative to the repo root (a vitest include). */
  floorTest: string;
  virtualSetup: string;
}

/** The trivial test of the floor and the virtual-time setup file, in tmp/ (ignored by git and by the manifest). */
export function writeBenchFiles(): BenchFiles {
  const base = path.join(REPO_ROOT, "tmp");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, "bench-"));
  writeFileSync(
    path.join(dir, "floor.test.ts"),
    `import { expect, test } from "vitest";\n\ntest("trivial", () => {\n  expect(1 + 1).toBe(2);\n});\n`,
  );
  writeFileSync(
    path.join(dir, "virtual-time.ts"),
    [
      "// Bench only: records how far the grader's fake clock advanced during each check (reset to 0 before it).",
      'import { afterEach } from "vitest";',
      "afterEach((context) => {",
      "  const clock = (globalThis.setTimeout as unknown as { clock?: { now: number } }).clock;",
      "  (context.task.meta as Record<string, unknown>).benchVirtualMs = clock ? clock.now : 0;",
      "});",
      "",
    ].join("\n"),
  );
  return { dir, floorTest: path.relative(REPO_ROOT, path.join(dir, "floor.test.ts")).split(path.sep).join("/"), virtualSetup: path.join(dir, "virtual-time.ts") };
}

let ticks: number | undefined;

/** CPU ms of this process's exited descendants so far (NaN without Linux's /proc). */
function childrenCpuMs(): number {
  try {
    ticks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()) || 100;
    return childrenCpuMsFromStat(readFileSync("/proc/self/stat", "utf8"), ticks);
  } catch {
    return NaN;
  }
}

/** Distinct "<exercise>/<check>: <message>" of what did not pass in these reports. */
export function failuresOf(reports: readonly GradeReport[]): string[] {
  const out = new Set<string>();
  for (const report of reports) {
    for (const e of report.exercises) {
      if (e.status === "error" && !e.tests.length) out.add(`${e.id}: ${(e.message ?? "error").split("\n")[0]}`);
      for (const t of e.tests) if (t.status !== "passed") out.add(`${e.id}/${t.id}: ${(t.message ?? t.status).split("\n")[0]}`);
    }
  }
  return [...out];
}

export async function gradeOnce(): Promise<{ ms: number; cpuMs: number; score: number; maxScore: number; failures: string[] }> {
  const { gradeIsolated } = await import("../../graders/harness/engine/isolated.ts");
  const cpu0 = childrenCpuMs();
  const started = performance.now();
  const [report] = await gradeIsolated([{ label: "grade", target: SOLUTIONS, exercises: [], checks: [] }], { deadlineMs: 120_000 });
  return { ms: performance.now() - started, cpuMs: childrenCpuMs() - cpu0, score: report!.score, maxScore: report!.maxScore, failures: failuresOf([report!]) };
}

const CLI = path.join(REPO_ROOT, "graders", "harness", "commands", "cli.ts");

/**
 * `npm test -- --target solutions` as a learner runs it (a child process, the scoreboard, and the type
 * check of the graded files beside the grade), or the same with `--format json`, which skips the type check.
 */
export async function npmTestOnce(withTypes: boolean): Promise<number> {
  return (await timedChild(["--import", "tsx", CLI, "--target", SOLUTIONS, ...(withTypes ? [] : ["--format", "json"])])).ms;
}

export async function floorOnce(files: BenchFiles): Promise<{ ms: number; cpuMs: number }> {
  const { ms, cpuMs, stdout } = await timedChild([LAUNCHER, BENCH_FILE, "--child", "floor", files.floorTest]);
  const passed = Number(/floor-passed (\d+)/.exec(stdout)?.[1]);
  if (passed !== 1) throw new Error(`the floor run did not pass its one test:\n${stdout}`);
  return { ms, cpuMs };
}

/** Child entry: the floor, i.e. what gradeRuns does around vitest, with one trivial test file. */
export async function childFloor(testFile: string): Promise<void> {
  const { createGradingVitest, projectFor } = await import("../../graders/harness/engine/engine.ts");
  const { Collector } = await import("../../graders/harness/engine/collector.ts");
  const progressDir = mkdtempSync(path.join(os.tmpdir(), "grade-progress-"));
  const base = projectFor({ label: "floor", target: SOLUTIONS }, progressDir);
  let passed = 0;
  const counter: Reporter = {
    onTestRunEnd: (modules) => {
      for (const m of modules) for (const t of m.children.allTests()) if (t.result().state === "passed") passed++;
    },
  };
  const vitest = await createGradingVitest([new Collector(), counter], [{ test: { ...base.test, include: [testFile] } }]);
  try {
    await vitest.start();
  } finally {
    await vitest.close();
    rmSync(progressDir, { recursive: true, force: true });
  }
  process.stdout.write(`floor-passed ${passed}\n`);
}

/** Child entry: starts like engine-child.ts (launcher, engine import) and stops. */
export async function childNoop(): Promise<void> {
  await import("../../graders/harness/engine/engine.ts");
}

/** Timestamps vitest's events and keeps the modules for their diagnostics. */
class Timeline implements Reporter {
  readonly origin = performance.now();
  runStart = NaN;
  runEnd = NaN;
  firstQueued = NaN;
  readonly queued = new Map<string, number>();
  readonly collected = new Map<string, number>();
  readonly ended = new Map<string, number>();
  modules: readonly TestModule[] = [];
  private now = () => performance.now() - this.origin;
  onTestRunStart(): void {
    this.runStart = this.now();
  }
  onTestModuleQueued(m: TestModule): void {
    this.queued.set(m.moduleId, this.now());
    if (Number.isNaN(this.firstQueued)) this.firstQueued = this.now();
  }
  onTestModuleCollected(m: TestModule): void {
    this.collected.set(m.moduleId, this.now());
  }
  onTestModuleEnd(m: TestModule): void {
    this.ended.set(m.moduleId, this.now());
  }
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    this.runEnd = this.now();
    this.modules = modules;
  }
}

export async function profileOnce(files: BenchFiles): Promise<ProfileRun> {
  const { createGradingVitest, projectFor } = await import("../../graders/harness/engine/engine.ts");
  const { GRADING_TEST_CONFIG } = await import("../../graders/harness/engine/config.ts");
  const { modifiedFiles } = await import("../../graders/harness/core/integrity.ts");
  const progressDir = mkdtempSync(path.join(os.tmpdir(), "grade-progress-"));
  const base = projectFor({ label: "profile", target: SOLUTIONS }, progressDir);
  const project = { test: { ...base.test, setupFiles: [...GRADING_TEST_CONFIG.setupFiles, files.virtualSetup] } };
  const timeline = new Timeline();
  const cpu0 = childrenCpuMs();
  const main0 = process.cpuUsage();
  const t0 = performance.now();
  const vitest = await createGradingVitest([timeline], [project], { experimental: { importDurations: { limit: 1000 } } });
  const created = performance.now();
  let transformMs = NaN;
  let closed = NaN;
  let started = NaN;
  try {
    await vitest.start();
    started = performance.now();
    transformMs = (vitest.state as unknown as { transformTime: number }).transformTime;
  } finally {
    await vitest.close();
    closed = performance.now();
    rmSync(progressDir, { recursive: true, force: true });
  }
  const mainCpu = process.cpuUsage(main0);
  const workersCpuMs = childrenCpuMs() - cpu0;
  const i0 = performance.now();
  modifiedFiles();
  const integrityMs = performance.now() - i0;
  const rel = (t: number | undefined) => (t ?? NaN) - timeline.runStart;
  let score = 0;
  let maxScore = 0;
  const profiles: FileProfile[] = timeline.modules.map((m) => {
    const d = m.diagnostic();
    const tests = [...m.children.allTests()];
    const checkTimes = tests.map((t) => {
      const meta = t.meta() as { benchVirtualMs?: number; grading?: { points: number } };
      const points = meta.grading?.points ?? 0;
      maxScore += points;
      if (t.result().state === "passed") score += points;
      return { name: t.name, ms: t.diagnostic()?.duration ?? NaN, virtualMs: meta.benchVirtualMs ?? NaN };
    });
    const exercise = EXERCISES.find((e) => m.moduleId.endsWith(`${e.id}.test.ts`))?.id ?? path.basename(m.moduleId);
    return {
      exercise,
      checks: tests.length,
      checkTimes,
      prepareMs: d.prepareDuration,
      setupMs: d.setupDuration,
      collectMs: d.collectDuration,
      durationMs: d.duration,
      testsMs: checkTimes.reduce((s, c) => s + c.ms, 0),
      virtualMs: checkTimes.reduce((s, c) => s + (Number.isFinite(c.virtualMs) ? c.virtualMs : 0), 0),
      queuedAt: rel(timeline.queued.get(m.moduleId)),
      collectedAt: rel(timeline.collected.get(m.moduleId)),
      endAt: rel(timeline.ended.get(m.moduleId)),
      imports: d.importDurations,
    };
  });
  return {
    wallMs: closed - t0,
    createMs: created - t0,
    poolStartMs: timeline.firstQueued - timeline.runStart,
    runMs: timeline.runEnd - timeline.runStart,
    closeMs: closed - started,
    transformMs,
    integrityMs,
    workersCpuMs,
    mainCpuMs: (mainCpu.user + mainCpu.system) / 1000,
    files: profiles,
    virtualMs: profiles.reduce((s, f) => s + f.virtualMs, 0),
    testsMs: profiles.reduce((s, f) => s + f.testsMs, 0),
    score,
    maxScore,
  };
}

/** vitest options to change; `warmPool`: the project runs in watch.ts's pool (warm-pool.ts). */
type Overrides = { root?: Record<string, unknown>; project?: Record<string, unknown>; warmPool?: boolean };

/** Sums points per vitest project from the modules of a run: project name → { score, max }. */
function scoreModules(modules: ReadonlyArray<TestModule>): Map<string, { score: number; max: number }> {
  const out = new Map<string, { score: number; max: number }>();
  for (const m of modules) {
    const entry = out.get(m.project.name) ?? { score: 0, max: 0 };
    for (const t of m.children.allTests()) {
      const points = t.meta().grading?.points ?? 0;
      entry.max += points;
      if (t.result().state === "passed") entry.score += points;
    }
    out.set(m.project.name, entry);
  }
  return out;
}

/** In-process: grades `targets` in one vitest run (a project each, as gradeRuns does) with some options changed. */
async function variantGrade(targets: readonly string[], overrides: Overrides): Promise<{ ms: number; cpuMs: number; right: boolean }> {
  const { createGradingVitest, projectFor } = await import("../../graders/harness/engine/engine.ts");
  const progressDir = mkdtempSync(path.join(os.tmpdir(), "grade-progress-"));
  let scores = new Map<string, { score: number; max: number }>();
  const scorer: Reporter = { onTestRunEnd: (modules) => void (scores = scoreModules(modules)) };
  const cpu0 = childrenCpuMs();
  const main0 = process.cpuUsage();
  const started = performance.now();
  const vitest = await createGradingVitest(
    [scorer],
    targets.map((target, i) => ({ test: { ...projectFor({ label: `v${i}`, target }, progressDir).test, ...overrides.project } })),
    overrides.root,
  );
  try {
    await vitest.start();
  } finally {
    await vitest.close();
    rmSync(progressDir, { recursive: true, force: true });
  }
  const ms = performance.now() - started;
  const main = process.cpuUsage(main0);
  const cpuMs = childrenCpuMs() - cpu0 + (main.user + main.system) / 1000;
  const right = targets.every((_, i) => {
    const s = scores.get(`v${i}`);
    return !!s && s.max === 100 && s.score === 100;
  });
  return { ms, cpuMs, right };
}

/**
 * In-process watch mode as watch.ts runs it (watch: true, one project, a save = invalidate the learner's
 * file and rerun that exercise's grader), with some options changed. Saves alternate the stub and the
 * solution, so a variant that kept a stale module would grade wrong.
 */
async function variantWatch(reruns: number, overrides: Overrides): Promise<{ ms: number[]; right: boolean }> {
  const { createGradingVitest, graderFile, projectFor } = await import("../../graders/harness/engine/engine.ts");
  const { closeWarmPool, warmForks } = await import("../../graders/harness/engine/warm-pool.ts");
  const target = mkdtempSync(path.join(os.tmpdir(), "bench-watch-"));
  for (const e of EXERCISES) copyFileSync(path.join(SOLUTIONS, `${e.id}.ts`), path.join(target, `${e.id}.ts`));
  const progressDir = mkdtempSync(path.join(os.tmpdir(), "grade-progress-"));
  let scores = new Map<string, { score: number; max: number }>();
  const scorer: Reporter = { onTestRunEnd: (modules) => void (scores = scoreModules(modules)) };
  const vitest = await createGradingVitest(
    [scorer],
    [{ test: { ...projectFor({ label: "watch", target }, progressDir).test, ...overrides.project, ...(overrides.warmPool ? { pool: warmForks() } : {}) } }],
    { watch: true, ...overrides.root },
  );
  const ms: number[] = [];
  let right = true;
  try {
    await vitest.start();
    const project = vitest.getProjectByName("watch");
    for (let i = 0; i < reruns; i++) {
      const e = EXERCISES[i % EXERCISES.length]!;
      const stub = Math.floor(i / EXERCISES.length) % 2 === 0;
      const file = path.join(target, `${e.id}.ts`);
      // A learner types between saves: the pause lets a variant prepare for the next save (warm spare).
      await new Promise((resolve) => setTimeout(resolve, WATCH_QUIET_MS));
      writeFileSync(file, readFileSync(path.join(REPO_ROOT, stub ? "exercises" : "solutions", `${e.id}.ts`), "utf8") + `\n// save ${i}\n`);
      const t0 = performance.now();
      vitest.invalidateFile(file);
      await vitest.rerunTestSpecifications([project.createSpecification(graderFile(e.id))]);
      ms.push(performance.now() - t0);
      const s = scores.get("watch");
      if (!s || s.score !== (stub ? 0 : e.maxScore)) right = false;
    }
  } finally {
    await vitest.close();
    closeWarmPool();
    rmSync(progressDir, { recursive: true, force: true });
    rmSync(target, { recursive: true, force: true });
  }
  return { ms, right };
}

/** Quiet time before each save, in watch.ts's session and the in-process watch variants: a learner edits between saves. */
const WATCH_QUIET_MS = 1_000;

interface Variant {
  name: string;
  description: string;
  overrides: Overrides;
  scenarios: Experiment["scenario"][];
}

const cores = Math.max(1, os.availableParallelism());
const VARIANTS: Variant[] = [
  { name: "baseline", description: "as the engine runs it: forks, isolate, maxWorkers = max(3, cores)", overrides: {}, scenarios: ["grade", "batch", "watch"] },
  { name: "maxWorkers = cores", description: `maxWorkers = ${cores}`, overrides: { root: { maxWorkers: cores } }, scenarios: ["grade", "batch"] },
  { name: "pool threads", description: 'pool: "threads" (worker threads instead of processes)', overrides: { project: { pool: "threads" } }, scenarios: ["grade", "batch", "watch"] },
  { name: "isolate false", description: "workers reused across files without a fresh module graph", overrides: { project: { isolate: false } }, scenarios: ["batch", "watch"] },
  { name: "warm spare", description: "watch.ts's pool (warm-pool.ts): forks, plus a spare worker booted between saves", overrides: { warmPool: true }, scenarios: ["watch"] },
  { name: "fsModuleCache", description: "experimental.fsModuleCache (warm): transforms cached on disk", overrides: { root: { experimental: { fsModuleCache: true } } }, scenarios: ["grade", "batch"] },
];

export async function experiments(options: BenchOptions): Promise<Experiment[]> {
  const out: Experiment[] = [];
  const get = (scenario: Experiment["scenario"], v: Variant) => {
    let e = out.find((x) => x.scenario === scenario && x.name === v.name);
    if (!e) out.push((e = { scenario, name: v.name, description: v.description, ms: [], cpuMs: [], right: [] }));
    return e;
  };
  const guard = async (label: string, f: () => Promise<void>) => {
    try {
      await f();
    } catch (error) {
      log(`  ${label} failed: ${(error as Error).message.split("\n")[0]}`);
    }
  };
  // Warm the on-disk module cache once, so the fsModuleCache rows measure a warm cache.
  await guard("cache warm-up", async () => void (await variantGrade([SOLUTIONS], { root: { experimental: { fsModuleCache: true } } })));
  for (let i = 0; i < options.runs; i++) {
    for (const v of VARIANTS.filter((x) => x.scenarios.includes("grade"))) {
      await guard(`grade ${v.name}`, async () => {
        const r = await variantGrade([SOLUTIONS], v.overrides);
        const e = get("grade", v);
        e.ms.push(r.ms);
        e.cpuMs.push(r.cpuMs);
        e.right.push(r.right);
        log(`  grade, ${v.name} ${i + 1}/${options.runs}: ${formatMs(r.ms)} (CPU ${formatMs(r.cpuMs)})${r.right ? "" : " (graded wrong)"}`);
      });
    }
  }
  const size = EXPERIMENT_BATCH;
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-class-"));
  const targets = Array.from({ length: size }, (_, i) => {
    const folder = path.join(dir, `learner-${i + 1}`);
    mkdirSync(folder);
    for (const e of EXERCISES) copyFileSync(path.join(SOLUTIONS, `${e.id}.ts`), path.join(folder, `${e.id}.ts`));
    return folder;
  });
  try {
    for (const v of VARIANTS.filter((x) => x.scenarios.includes("batch"))) {
      await guard(`batch ${v.name}`, async () => {
        const r = await variantGrade(targets, v.overrides);
        const e = get("batch", v);
        e.ms.push(r.ms / size);
        e.cpuMs.push(r.cpuMs / size);
        e.right.push(r.right);
        log(`  batch of ${size}, ${v.name}: ${formatMs(r.ms)} (${formatMs(r.ms / size)}, CPU ${formatMs(r.cpuMs / size)} per submission)${r.right ? "" : " (graded wrong)"}`);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const v of VARIANTS.filter((x) => x.scenarios.includes("watch"))) {
    await guard(`watch ${v.name}`, async () => {
      const r = await variantWatch(Math.max(options.saves, EXERCISES.length * 2), v.overrides);
      const e = get("watch", v);
      e.ms.push(...r.ms);
      e.right.push(r.right);
      log(`  watch reruns, ${v.name}: median ${formatMs(median(r.ms))}${r.right ? "" : " (graded wrong)"}`);
    });
  }
  return out;
}

/** Drives watch.ts like a learner: start it, save files, read the scoreboards it prints. */
export async function watchSession(saves: number): Promise<WatchSession> {
  const target = mkdtempSync(path.join(os.tmpdir(), "bench-watch-"));
  const solution = (id: string) => readFileSync(path.join(SOLUTIONS, `${id}.ts`), "utf8");
  for (const e of EXERCISES) copyFileSync(path.join(SOLUTIONS, `${e.id}.ts`), path.join(target, `${e.id}.ts`));
  const started = performance.now();
  const child = spawn(process.execPath, [LAUNCHER, WATCH_FILE], {
    cwd: REPO_ROOT,
    ...treeRoot(),
    env: { ...cleanEnv(), [TARGET_ENV]: target },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killGroup = () => void killTree(child);
  const cancelShutdown = onShutdown(killGroup);
  let output = "";
  let scanned = 0;
  const graded: { at: number; ms: number }[] = [];
  /** When each "⟳ grading …" line (the old result marked stale) arrived. */
  const marked: number[] = [];
  let markScanned = 0;
  let wake: (() => void) | undefined;
  const onData = (d: Buffer) => {
    const at = performance.now();
    output += d.toString();
    const re = /graded in (\d+) ms/g;
    re.lastIndex = scanned;
    for (let m = re.exec(output); m; m = re.exec(output)) {
      graded.push({ at, ms: Number(m[1]) });
      scanned = re.lastIndex;
    }
    for (let i = output.indexOf("⟳ grading", markScanned); i >= 0; i = output.indexOf("⟳ grading", markScanned)) {
      marked.push(at);
      markScanned = i + 1;
    }
    wake?.();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const waitFor = async (count: number, timeoutMs: number): Promise<{ at: number; ms: number }> => {
    const deadline = performance.now() + timeoutMs;
    while (graded.length < count) {
      if (performance.now() > deadline) throw new Error(`watch mode printed no scoreboard #${count} within ${timeoutMs} ms:\n${output.slice(-3000)}`);
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([
        new Promise<boolean>((resolve) => {
          wake = () => resolve(false);
          timer = setTimeout(() => resolve(false), 100);
        }),
        exited.then(() => true),
      ]);
      clearTimeout(timer);
      if (exit && graded.length < count) throw new Error(`watch mode stopped:\n${output.slice(-3000)}`);
    }
    return graded[count - 1]!;
  };
  const quiet = async (ms: number) => {
    let seen = graded.length;
    for (;;) {
      await new Promise((r) => setTimeout(r, ms));
      if (graded.length === seen) return;
      seen = graded.length;
    }
  };
  try {
    const first = await waitFor(1, 120_000);
    const session: WatchSession = { startupMs: first.at - started, saves: [] };
    const order = [...EXERCISES];
    for (let i = 0; i < saves; i++) {
      const exercise = order[i % order.length]!.id;
      await quiet(WATCH_QUIET_MS);
      const before = graded.length;
      const markedBefore = marked.length;
      const t0 = performance.now();
      writeFileSync(path.join(target, `${exercise}.ts`), `${solution(exercise)}\n// bench save ${i + 1}\n`);
      const next = await waitFor(before + 1, 60_000);
      const mark = marked[markedBefore];
      session.saves.push({ exercise, latencyMs: next.at - t0, gradedInMs: next.ms, ...(mark !== undefined ? { staleMarkMs: mark - t0 } : {}) });
      log(`  watch save ${i + 1}/${saves} (${exercise}): ${formatMs(next.at - t0)} (graded in ${next.ms} ms)`);
    }
    return session;
  } finally {
    killGroup();
    cancelShutdown();
    // Reaped before the next measurement starts, so its CPU time is not charged to that one.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    rmSync(target, { recursive: true, force: true });
  }
}

export async function batchOnce(size: number): Promise<BatchRun> {
  const { gradeBatch } = await import("../../graders/harness/engine/batch.ts");
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-class-"));
  try {
    for (let i = 1; i <= size; i++) {
      const learner = path.join(dir, `learner-${String(i).padStart(3, "0")}`);
      mkdirSync(learner);
      for (const e of EXERCISES) copyFileSync(path.join(SOLUTIONS, `${e.id}.ts`), path.join(learner, `${e.id}.ts`));
    }
    const cpu0 = childrenCpuMs();
    const started = performance.now();
    const rows = await gradeBatch({ dir });
    const ms = performance.now() - started;
    const cpuMs = childrenCpuMs() - cpu0;
    if (rows.length !== size) throw new Error(`gradeBatch returned ${rows.length} reports for ${size} submissions`);
    const notFull = rows.filter((r) => r.report.score !== r.report.maxScore);
    return { size, ms, cpuMs, notFull: notFull.length, failures: failuresOf(notFull.map((r) => r.report)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The floor of the page loads: an HTML page with nothing to lay out. */
const EMPTY_PAGE = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>empty</title></head><body></body></html>\n`;
/** The failing learner of the html section: solutions/ with 01 replaced by this known submission. */
const FIXED_BATCHES = path.join(REPO_ROOT, "fixtures", "01-download-files", "submissions", "wrong-fixed-batches.ts");

/**
 * The html section (#17): grades solutions/ and one failing learner once, renders each report's page as
 * batch grading does, times renderHtml, then each page's load and layout in Chromium against an empty page,
 * in rounds (the order rotated each round, one untimed round first). Without Chromium it adds a note and
 * leaves the browser samples empty.
 */
export async function htmlBench(runs: number, notes: string[]): Promise<HtmlBench> {
  const { gradeIsolated } = await import("../../graders/harness/engine/isolated.ts");
  const { renderHtml } = await import("../../graders/harness/report/html.ts");
  const note = (message: string) => {
    notes.push(`html: ${message}`);
    log(`  note: ${message}`);
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-html-"));
  try {
    const learner = path.join(dir, "fixed-batches");
    mkdirSync(learner);
    for (const e of EXERCISES) copyFileSync(path.join(SOLUTIONS, `${e.id}.ts`), path.join(learner, `${e.id}.ts`));
    copyFileSync(FIXED_BATCHES, path.join(learner, "01-download-files.ts"));
    const started = performance.now();
    const reports = await gradeIsolated(
      [
        { label: "solutions", target: SOLUTIONS },
        { label: "fixed-batches", target: learner },
      ],
      { deadlineMs: 180_000 },
    );
    log(`  graded solutions/ and fixed-batches in ${formatMs(performance.now() - started)}: ${reports.map((r) => `${r.score}/${r.maxScore}`).join(", ")}`);
    const graded = [
      { name: "solutions/", file: "solutions.html", report: reports[0]! },
      { name: "fixed-batches", file: "fixed-batches.html", report: reports[1]! },
    ];
    const [solutions, wrong] = graded.map((g) => g.report);
    if (solutions!.score !== solutions!.maxScore) note(`solutions/ scored ${solutions!.score}/${solutions!.maxScore} (expected full marks): ${failuresOf([solutions!]).slice(0, 3).join("; ")}`);
    if (wrong!.score === wrong!.maxScore) note("the fixed-batches learner got full marks: its report is not a failing learner's");
    for (const g of graded) {
      const timelines = g.report.exercises.reduce((n, e) => n + e.tests.reduce((m, t) => m + (t.timelines?.length ?? 0), 0), 0);
      if (!timelines) note(`the report of ${g.name} carries no timelines, so its page has no pictures`);
    }

    const pages: (HtmlPage & { url: string })[] = graded.map((g) => {
      const html = renderHtml(g.report); // untimed: the first call compiles the renderer
      const file = path.join(dir, g.file);
      writeFileSync(file, html);
      return { name: g.name, score: g.report.score, maxScore: g.report.maxScore, bytes: Buffer.byteLength(html, "utf8"), renderMs: [], loadMs: [], url: pathToFileURL(file).href };
    });
    for (let round = 0; round < runs; round++) {
      for (const i of rotated([...graded.keys()], round)) {
        const t0 = performance.now();
        renderHtml(graded[i]!.report);
        pages[i]!.renderMs.push(performance.now() - t0);
      }
    }
    for (const p of pages) log(`  ${p.name}: ${formatBytes(p.bytes)}, renderHtml median ${formatMs(median(p.renderMs))}`);

    const result: HtmlBench = { pages: pages.map(({ url: _, ...p }) => p), emptyLoadMs: [] };
    if (!hasChromium()) {
      note(`no Chromium at ${CHROMIUM} (install Debian's chromium or set CHROMIUM_PATH): the browser rows are skipped`);
      return result;
    }
    const emptyFile = path.join(dir, "empty.html");
    writeFileSync(emptyFile, EMPTY_PAGE);
    let browser: import("playwright-core").Browser | undefined;
    try {
      const t0 = performance.now();
      browser = await launchChromium();
      result.browser = { version: browser.version(), launchMs: performance.now() - t0 };
      const open = browser;
      /** A fresh page (its own context): load the file until "load", then force a layout. */
      const loadOnce = async (url: string): Promise<number> => {
        const page = await open.newPage({ viewport: { width: 1000, height: 800 } });
        try {
          const start = performance.now();
          await page.goto(url, { waitUntil: "load" });
          await page.evaluate(() => {
            // (tools/ is type-checked without the DOM library: the page's document, as the browser has it.)
            const document = (globalThis as unknown as { document: { body: { getBoundingClientRect(): { height: number } } } }).document;
            return document.body.getBoundingClientRect().height;
          });
          return performance.now() - start;
        } finally {
          await page.close();
        }
      };
      const targets = [{ url: pathToFileURL(emptyFile).href, samples: result.emptyLoadMs }, ...pages.map((p, i) => ({ url: p.url, samples: result.pages[i]!.loadMs }))];
      // Round -1 is untimed: the browser's first pages pay for its caches and processes warming up.
      for (let round = -1; round < runs; round++) {
        const times = new Map<(typeof targets)[number], number>();
        for (const t of rotated(targets, round)) times.set(t, await loadOnce(t.url));
        if (round >= 0) for (const [t, ms] of times) t.samples.push(ms);
      }
      log(`  Chromium ${result.browser.version}: empty page ${formatMs(median(result.emptyLoadMs))}, ${result.pages.map((p) => `${p.name} ${formatMs(median(p.loadMs))}`).join(", ")} (medians of ${runs})`);
    } catch (error) {
      note(`Chromium at ${CHROMIUM} failed (${(error as Error).message.split("\n")[0]}): the browser rows are missing or partial`);
    } finally {
      await browser?.close();
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  let commit: string | undefined;
  try {
    const head = readGit(["rev-parse", "--short", "HEAD"]);
    const dirty = readGit(["status", "--porcelain", "--untracked-files=no"]);
    commit = head ? `${head}${dirty ? " + uncommitted changes" : ""}` : undefined;
  } catch {
    commit = undefined;
  }
  return {
    cpu: cpus[0]?.model.trim() || "unknown CPU",
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadStart: os.loadavg(),
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    ...(commit ? { commit } : {}),
  };
}

function readGit(args: string[]): string {
  return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
}
