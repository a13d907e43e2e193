/**
 * npm run bench: measures, side by side in one run and on this machine, what the speed goals of the course
 * are about, and writes the table to BENCHMARKS.md.
 *
 *   1. a full grade of solutions/ (gradeIsolated, as `npm run grade -- --target solutions`) against the floor:
 *      the same path (a child process through launch.mjs, the same vitest options, setup file, pool and
 *      workers) running one trivial test; the two are interleaved so load changes hit both alike;
 *   2. the virtual time the graders' clocks advanced during one full grade against the real time it took;
 *   3. watch mode: from saving an exercise file to the new score printed (watch.ts driven like a learner);
 *   4. batch: 1, 10 and 50 copies of solutions/ through gradeBatch (`npm run grade -- --submissions`);
 *   and a profile of one grade: process start, vitest start, workers, setup file, imports, checks, close.
 *
 *   npm run bench [-- --runs 3] [--saves 9] [--batch 1,10,50] [--large-runs 1] [--quick]
 *                    [--only grade,profile,watch,batch] [--experiments] [--out BENCHMARKS.md | --no-write]
 *
 * The harness is only driven, never changed: virtual time and the profile come from a grade run in this
 * process with the engine's own projects plus one extra setup file (written to tmp/, outside the graders)
 * that records each check's clock at its end, and vitest's own diagnostics (TestModule.diagnostic()).
 *
 * Everything but main() and the child entry points is pure and unit-tested (selftest/harness/bench.test.ts);
 * the heavy modules (vitest, the engine) are imported lazily so that test can import this file cheaply.
 */
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Reporter, TestModule } from "vitest/node";
import { TARGET_ENV } from "../graders/harness/core/contract.ts";
import { EXERCISES } from "../graders/harness/core/exercises.ts";
import { REPO_ROOT } from "../graders/harness/core/paths.ts";
import type { GradeReport } from "../graders/harness/report/report.ts";
import { exitAfterFlush, isEntryModule } from "../graders/harness/core/entry.ts";
import { killTree, treeRoot } from "../graders/harness/engine/process-tree.ts";
import { onShutdown } from "../graders/harness/engine/shutdown.ts";

const BENCH_FILE = fileURLToPath(import.meta.url);
const LAUNCHER = path.join(REPO_ROOT, "graders", "harness", "commands", "launch.mjs");
const WATCH_FILE = path.join(REPO_ROOT, "graders", "harness", "commands", "watch.ts");
const SOLUTIONS = path.join(REPO_ROOT, "solutions");

// ─── statistics ────────────────────────────────────────────────────────────────────────────────────────

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return { n: 0, median: NaN, min: NaN, max: NaN };
  return { n: finite.length, median: median(finite), min: Math.min(...finite), max: Math.max(...finite) };
}

/** Least-squares line y = intercept + slope·x, and how well it fits (r², 1 = a perfect line). */
export function linearFit(points: readonly (readonly [number, number])[]): { intercept: number; slope: number; r2: number } {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  if (n < 2 || sxx === 0) return { intercept: NaN, slope: NaN, r2: NaN };
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssTot = points.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const ssRes = points.reduce((s, [x, y]) => s + (y - intercept - slope * x) ** 2, 0);
  return { intercept, slope, r2: ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot };
}

/** Element-wise a[i] / b[i] (paired runs, e.g. a grade and the floor run next to it). */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  return a.slice(0, Math.min(a.length, b.length)).map((x, i) => x / b[i]!);
}

/**
 * CPU time of the terminated, waited-for descendants of a process, from the text of Linux's /proc/<pid>/stat
 * (cutime + cstime, fields 16 and 17, in clock ticks), in ms. The engine's child process and its vitest
 * workers count once they have exited: unlike wall time, this hardly depends on what else the machine runs.
 */
export function childrenCpuMsFromStat(stat: string, ticksPerSecond = 100): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).trim().split(/\s+/);
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  return Number.isFinite(cutime) && Number.isFinite(cstime) ? ((cutime + cstime) * 1000) / ticksPerSecond : NaN;
}

/** The 1-minute load average counts as high from half the cores: the bench then competes for CPU. */
export function isHighLoad(load1: number, cores: number): boolean {
  return load1 >= 0.5 * cores;
}

// ─── formatting ────────────────────────────────────────────────────────────────────────────────────────

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const abs = Math.abs(ms);
  if (abs >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (abs >= 1_000) return `${(ms / 1000).toFixed(2)} s`;
  if (abs >= 10 || ms === 0) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatRatio(x: number): string {
  if (!Number.isFinite(x)) return "–";
  return x >= 100 ? `${Math.round(x)}×` : `${x.toFixed(2)}×`;
}

export function formatRate(perSecond: number): string {
  return Number.isFinite(perSecond) ? `${perSecond.toFixed(2)}/s` : "–";
}

/** "min – max" of a summary, or "–" without samples. */
export function formatRange(s: Summary, format: (x: number) => string = formatMs): string {
  if (!s.n) return "–";
  return s.n === 1 ? format(s.min) : `${format(s.min)} – ${format(s.max)}`;
}

export type Align = "left" | "right";

/** A Markdown table whose columns are padded, so it reads as well in a terminal as rendered. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const width = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const pad = (cell: string, i: number) => (align[i] === "right" ? cell.padStart(width[i]!) : cell.padEnd(width[i]!));
  const line = (cells: readonly string[]) => `| ${header.map((_, i) => pad(cells[i] ?? "", i)).join(" | ")} |`;
  const rule = `| ${width.map((w, i) => (align[i] === "right" ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** "yes" when value ≤ goal (or ≥ goal for "at least"), "no" otherwise ("–" when not measured). */
export function verdict(value: number, goal: number, kind: "at most" | "at least" = "at most"): string {
  if (!Number.isFinite(value)) return "–";
  return (kind === "at most" ? value <= goal : value >= goal) ? "yes" : "no";
}

// ─── options ───────────────────────────────────────────────────────────────────────────────────────────

export const SECTIONS = ["grade", "profile", "watch", "batch"] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  runs: number;
  saves: number;
  batchSizes: number[];
  /** Runs of each batch size below 50. */
  batchRuns: number;
  /** Runs of batch sizes of 50 or more (each costs minutes on a small machine). */
  largeRuns: number;
  sections: Section[];
  experiments: boolean;
  /** Where the report goes (undefined: printed only). */
  out?: string;
  quick: boolean;
}

export const BENCH_USAGE = `usage: npm run bench -- [--runs N] [--saves N] [--batch 1,10,50] [--batch-runs N] [--large-runs N] [--quick]
                        [--only ${SECTIONS.join(",")},experiments] [--experiments] [--out FILE | --no-write]
  --runs N        repetitions of the grade, the floor and the profile (default 3)
  --saves N       saves in the watch-mode session, cycling through the exercises (default 9)
  --batch LIST    batch sizes (default 1,10,50)
  --batch-runs N  repetitions of each batch size below 50 (default 2)
  --large-runs N  repetitions of batch sizes of 50 and more (default 1)
  --quick         a smoke run: --runs 1 --saves 3 --batch 1,5 --batch-runs 1
  --only LIST     only these sections (experiments included)
  --experiments   also time variants of the vitest options (workers, pool, isolation, module cache)
  --out FILE      where to write the report (default BENCHMARKS.md); --no-write prints it only`;

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a positive whole number; got "${value ?? ""}"\n${BENCH_USAGE}`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const quick = argv.includes("--quick");
  const options: BenchOptions = {
    runs: quick ? 1 : 3,
    saves: quick ? 3 : 9,
    batchSizes: quick ? [1, 5] : [1, 10, 50],
    batchRuns: quick ? 1 : 2,
    largeRuns: 1,
    sections: [...SECTIONS],
    experiments: false,
    out: path.join(REPO_ROOT, "BENCHMARKS.md"),
    quick,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => argv[++i];
    switch (flag) {
      case "--quick":
        break;
      case "--runs":
        options.runs = positiveInt(flag, value());
        break;
      case "--saves":
        options.saves = positiveInt(flag, value());
        break;
      case "--batch-runs":
        options.batchRuns = positiveInt(flag, value());
        break;
      case "--large-runs":
        options.largeRuns = positiveInt(flag, value());
        break;
      case "--batch": {
        const list = value() ?? "";
        options.batchSizes = list.split(",").map((s) => positiveInt(flag, s.trim()));
        break;
      }
      case "--only": {
        const list = (value() ?? "").split(",").map((s) => s.trim());
        const unknown = list.filter((s) => s !== "experiments" && !(SECTIONS as readonly string[]).includes(s));
        if (unknown.length || !list.length || !list[0]) throw new Error(`--only takes some of ${SECTIONS.join(",")},experiments; got "${list.join(",")}"\n${BENCH_USAGE}`);
        options.sections = SECTIONS.filter((s) => list.includes(s));
        options.experiments ||= list.includes("experiments");
        break;
      }
      case "--experiments":
        options.experiments = true;
        break;
      case "--out":
        options.out = path.resolve(value() ?? "BENCHMARKS.md");
        break;
      case "--no-write":
        delete options.out;
        break;
      case "--help":
      case "-h":
        throw new Error(BENCH_USAGE);
      default:
        throw new Error(`unknown option ${flag}\n${BENCH_USAGE}`);
    }
  }
  return options;
}

/** How many times a batch of `size` submissions is graded. */
export function runsForBatch(size: number, options: Pick<BenchOptions, "batchRuns" | "largeRuns">): number {
  return size >= 50 ? options.largeRuns : options.batchRuns;
}

// ─── results and the report ────────────────────────────────────────────────────────────────────────────

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  loadStart: number[];
  loadEnd?: number[];
  /** Highest 1-minute load average sampled during the run. */
  loadPeak?: number;
  date: string;
  commit?: string;
}

export interface FileProfile {
  exercise: string;
  checks: number;
  /** Each check: name, real ms (its vitest duration), virtual ms its clock advanced. */
  checkTimes: { name: string; ms: number; virtualMs: number }[];
  prepareMs: number;
  setupMs: number;
  collectMs: number;
  durationMs: number;
  testsMs: number;
  virtualMs: number;
  /** Since the run started (onTestRunStart): when the file was queued, collected, finished. */
  queuedAt: number;
  collectedAt: number;
  endAt: number;
  imports: Record<string, { selfTime: number; totalTime: number; external?: boolean }>;
}

export interface ProfileRun {
  wallMs: number;
  createMs: number;
  /** Run start → the first grader file queued in a worker (worker processes starting). */
  poolStartMs: number;
  runMs: number;
  closeMs: number;
  transformMs: number;
  integrityMs: number;
  /** CPU time of the vitest workers (exited child processes) and of the main process during the run. */
  workersCpuMs: number;
  mainCpuMs: number;
  files: FileProfile[];
  virtualMs: number;
  testsMs: number;
  score: number;
  maxScore: number;
}

export interface WatchSession {
  startupMs: number;
  saves: { exercise: string; latencyMs: number; gradedInMs: number }[];
}

export interface BatchRun {
  size: number;
  ms: number;
  cpuMs: number;
  /** Submissions that did not get 100 (every copy is the reference solution). */
  notFull: number;
  /** What failed in those: "<exercise>/<check>: <first line of the message>", distinct. */
  failures?: string[];
}

export interface Experiment {
  /** grade: one grade of solutions/ (wall); batch: ms per submission in one run of EXPERIMENT_BATCH copies; watch: one rerun after a save. */
  scenario: "grade" | "batch" | "watch";
  name: string;
  description: string;
  ms: number[];
  /** CPU time of the same samples (main process, its threads and its exited workers); empty for watch. */
  cpuMs: number[];
  /** Whether each run graded right (a variant only counts if it does). */
  right: boolean[];
}

/** Copies of solutions/ in the batch experiment. */
export const EXPERIMENT_BATCH = 6;

export interface BenchResult {
  machine: Machine;
  options: BenchOptions;
  totalMs: number;
  nodeStartMs: number[];
  launcherMs: number[];
  launcherCpuMs: number[];
  gradeMs: number[];
  /** CPU time (all processes of the grade) of each full grade; NaN where /proc is missing. */
  gradeCpuMs: number[];
  gradeScores: number[];
  floorMs: number[];
  floorCpuMs: number[];
  profiles: ProfileRun[];
  watch?: WatchSession;
  batches: BatchRun[];
  experiments: Experiment[];
  notes: string[];
}

const row = (label: string, values: readonly number[], format: (x: number) => string = formatMs, goal = "", holds = ""): string[] => {
  const s = summarize(values);
  return [label, format(s.median), formatRange(s, format), String(s.n), goal, holds];
};

const RESULT_HEADER = ["Measure", "Median", "Min – max", "Runs", "Goal", "Holds"];
const RESULT_ALIGN: Align[] = ["left", "right", "right", "right", "left", "left"];

/** Rows of the main table. */
export function resultRows(r: BenchResult): string[][] {
  const rows: string[][] = [];
  if (r.gradeMs.length) {
    const ratios = pairedRatios(r.gradeMs, r.floorMs);
    const ratio = median(r.gradeMs) / median(r.floorMs);
    rows.push(row("1. full grade of solutions/ (gradeIsolated)", r.gradeMs));
    rows.push(row("   floor: 1 trivial test, same path and config", r.floorMs));
    rows.push(["   grade / floor (medians; range over paired runs)", formatRatio(ratio), formatRange(summarize(ratios), formatRatio), String(ratios.length), "≤ 1.3", verdict(ratio, 1.3)]);
    if (summarize(r.gradeCpuMs).n) {
      rows.push(row("   CPU time of a grade (child + workers)", r.gradeCpuMs));
      rows.push(row("   CPU time of the floor", r.floorCpuMs));
      rows.push(["   grade / floor in CPU time (medians)", formatRatio(median(r.gradeCpuMs) / median(r.floorCpuMs)), formatRange(summarize(pairedRatios(r.gradeCpuMs, r.floorCpuMs)), formatRatio), String(Math.min(r.gradeCpuMs.length, r.floorCpuMs.length)), "", ""]);
    }
  }
  if (r.profiles.length) {
    const virtual = r.profiles.map((p) => p.virtualMs);
    rows.push(row("2. virtual time simulated by one grade", virtual));
    rows.push(row("   real time of the instrumented grade (wall)", r.profiles.map((p) => p.wallMs)));
    rows.push(row("   real time inside the checks (Σ check durations)", r.profiles.map((p) => p.testsMs)));
    rows.push(row("   virtual / wall", r.profiles.map((p) => p.virtualMs / p.wallMs), formatRatio));
    rows.push(row("   virtual / time inside the checks", r.profiles.map((p) => p.virtualMs / p.testsMs), formatRatio));
    if (r.gradeMs.length) rows.push(["   virtual / gradeIsolated wall (medians)", formatRatio(median(virtual) / median(r.gradeMs)), "", "", "", ""]);
  }
  if (r.watch) {
    const latencies = r.watch.saves.map((s) => s.latencyMs);
    rows.push(row("3. watch: save → new score printed", latencies, formatMs, "≤ 300 ms", verdict(median(latencies), 300)));
    for (const e of EXERCISES) {
      const own = r.watch.saves.filter((s) => s.exercise === e.id);
      if (own.length) rows.push(row(`   saving ${e.id}`, own.map((s) => s.latencyMs)));
    }
    rows.push(row('   of which vitest\'s rerun ("graded in N ms")', r.watch.saves.map((s) => s.gradedInMs)));
    rows.push(row("   watch start → first scoreboard", [r.watch.startupMs]));
  }
  const sizes = [...new Set(r.batches.map((b) => b.size))].sort((a, b) => a - b);
  sizes.forEach((size, i) => {
    const runs = r.batches.filter((b) => b.size === size);
    const label = `${i === 0 ? "4." : "  "} batch of ${size}`;
    rows.push(row(`${label}: wall`, runs.map((b) => b.ms)));
    rows.push(row(`   batch of ${size}: time per submission`, runs.map((b) => b.ms / size)));
    if (summarize(runs.map((b) => b.cpuMs)).n) rows.push(row(`   batch of ${size}: CPU time per submission`, runs.map((b) => b.cpuMs / size)));
    rows.push(row(`   batch of ${size}: throughput (submissions/s)`, runs.map((b) => (size * 1000) / b.ms), formatRate, "≥ 2/s", verdict(median(runs.map((b) => (size * 1000) / b.ms)), 2, "at least")));
  });
  if (sizes.length >= 2) {
    const fit = linearFit(r.batches.map((b) => [b.size, b.ms] as const));
    rows.push([`   linear fit: wall ≈ a + b·n`, `a ${formatMs(fit.intercept)}, b ${formatMs(fit.slope)}`, `r² ${fit.r2.toFixed(4)}`, String(r.batches.length), "linear", fit.r2 >= 0.98 ? "yes" : "no"]);
    const cpu = r.batches.filter((b) => Number.isFinite(b.cpuMs));
    if (cpu.length >= 2) {
      const cfit = linearFit(cpu.map((b) => [b.size, b.cpuMs] as const));
      rows.push([`   linear fit: CPU ≈ a + b·n`, `a ${formatMs(cfit.intercept)}, b ${formatMs(cfit.slope)}`, `r² ${cfit.r2.toFixed(4)}`, String(cpu.length), "linear", cfit.r2 >= 0.98 ? "yes" : "no"]);
    }
  }
  return rows;
}

export function resultTable(r: BenchResult): string {
  return markdownTable(RESULT_HEADER, resultRows(r), RESULT_ALIGN);
}

/** Where the time of one grade goes: a table of phases (medians over the profile runs). */
export function profileTable(r: BenchResult): string {
  const p = r.profiles;
  const per = (f: (x: ProfileRun) => number) => p.map(f);
  const sumFiles = (f: (x: FileProfile) => number) => per((run) => run.files.reduce((s, file) => s + f(file), 0));
  const rows: string[][] = [];
  const add = (label: string, values: number[], note: string) => {
    const s = summarize(values);
    rows.push([label, formatMs(s.median), formatRange(s), note]);
  };
  if (r.nodeStartMs.length) add("`node` itself starting (node -e 0)", r.nodeStartMs, "per grade: the engine's child process");
  if (r.launcherMs.length) add("child start: node + launch.mjs (vitest/node, tsx) + harness import", r.launcherMs, "per grade; includes the line above");
  add("createVitest (config, Vite server, project)", per((x) => x.createMs), "main process");
  add("worker pool start (run start → first file queued)", per((x) => x.poolStartMs), "forked workers booting vitest");
  add("vitest run (run start → run end)", per((x) => x.runMs), "3 grader files in parallel on the workers");
  add("  Σ prepare (runner, mocks)", sumFiles((f) => f.prepareMs), "summed over the 3 files (in parallel)");
  add("  Σ setup file (setup.ts: memfs, vi.mock, escapes)", sumFiles((f) => f.setupMs), "summed, in parallel");
  add("  Σ import grader files (MSW, fake-timers, grader.ts…)", sumFiles((f) => f.collectMs), "summed, in parallel");
  add("  Σ checks (tests and hooks)", sumFiles((f) => f.durationMs), "summed, in parallel");
  add("    of which inside checks (Σ test durations)", sumFiles((f) => f.testsMs), "");
  add("    of which beforeAll/afterAll hooks (MSW listen/close…)", sumFiles((f) => f.durationMs - f.testsMs), "duration − Σ tests");
  add("  transform (vitest's fetch/transform time)", per((x) => x.transformMs), "main process, overlaps the above");
  add("vitest.close()", per((x) => x.closeMs), "");
  add("integrity check (modifiedFiles: hash graders, fixtures)", per((x) => x.integrityMs), "runs after every grade");
  add("instrumented grade, in-process (createVitest → close)", per((x) => x.wallMs), "no child process");
  if (summarize(per((x) => x.workersCpuMs)).n) {
    add("  CPU time of the 3 workers", per((x) => x.workersCpuMs), `wall on ${r.machine.cores} idle cores ≥ CPU / cores`);
    add("  CPU time of the main process (vitest, transform)", per((x) => x.mainCpuMs), "");
  }
  if (r.gradeMs.length) rows.push(["gradeIsolated (for comparison)", formatMs(median(r.gradeMs)), formatRange(summarize(r.gradeMs)), "child process + the above"]);
  if (summarize(r.launcherCpuMs).n && summarize(r.gradeCpuMs).n) {
    add("CPU: child start (launcher + engine import)", r.launcherCpuMs, "in every grade and in the floor");
    add("CPU: floor", r.floorCpuMs, "child start + createVitest + 1 worker (setup file) + trivial test");
    add("CPU: full grade", r.gradeCpuMs, "");
    add("CPU: full grade − floor", r.gradeCpuMs.slice(0, r.floorCpuMs.length).map((g, i) => g - r.floorCpuMs[i]!), "2 more workers, grader imports, transforms, checks");
  }
  return markdownTable(["Phase", "Median", "Min – max", "Note"], rows, ["left", "right", "right", "left"]);
}

/** Per grader file: when it ran (critical path) and what it cost. */
export function filesTable(r: BenchResult): string {
  const rows = EXERCISES.map((e) => {
    const files = r.profiles.map((p) => p.files.find((f) => f.exercise === e.id)).filter((f): f is FileProfile => !!f);
    const m = (f: (x: FileProfile) => number) => formatMs(median(files.map(f)));
    const virtual = median(files.map((f) => f.virtualMs));
    const tests = median(files.map((f) => f.testsMs));
    return [e.id, String(files[0]?.checks ?? 0), m((f) => f.queuedAt), m((f) => f.setupMs), m((f) => f.collectMs), m((f) => f.collectedAt), m((f) => f.testsMs), m((f) => f.durationMs - f.testsMs), m((f) => f.endAt), formatMs(virtual), formatRatio(virtual / tests)];
  });
  return markdownTable(
    ["Grader file", "Checks", "Queued at", "Setup file", "Import", "Collected at", "Checks (real)", "Hooks", "Done at", "Virtual", "Virtual/real"],
    rows,
    ["left", "right", "right", "right", "right", "right", "right", "right", "right", "right", "right"],
  );
}

/** Modules whose import costs the most, summed over the grader files (each worker imports its own copy). */
export function importsTable(r: BenchResult, top = 12): string {
  const totals = new Map<string, { self: number[]; files: number; external: boolean }>();
  for (const [i, run] of r.profiles.entries()) {
    for (const file of run.files) {
      for (const [id, d] of Object.entries(file.imports)) {
        const key = shortModule(id);
        const entry = totals.get(key) ?? { self: [], files: 0, external: !!d.external };
        entry.self[i] = (entry.self[i] ?? 0) + d.selfTime;
        if (i === 0) entry.files++;
        totals.set(key, entry);
      }
    }
  }
  const rows = [...totals.entries()]
    .map(([key, e]) => ({ key, med: median(e.self.map((x) => x ?? 0)), files: e.files, external: e.external }))
    .sort((a, b) => b.med - a.med)
    .slice(0, top)
    .map((e) => [e.key, e.external ? "Node (external)" : "vitest (transformed)", String(e.files), formatMs(e.med)]);
  return markdownTable(["Module", "Loaded by", "Files importing it", "Σ self time (median)"], rows, ["left", "left", "right", "right"]);
}

/** Slowest checks by real time (medians over the profile runs). */
export function slowChecksTable(r: BenchResult, top = 8): string {
  const times = new Map<string, { ms: number[]; virtual: number[] }>();
  for (const run of r.profiles) {
    for (const file of run.files) {
      for (const c of file.checkTimes) {
        const key = `${file.exercise} › ${c.name}`;
        const entry = times.get(key) ?? { ms: [], virtual: [] };
        entry.ms.push(c.ms);
        entry.virtual.push(c.virtualMs);
        times.set(key, entry);
      }
    }
  }
  const rows = [...times.entries()]
    .map(([key, e]) => ({ key, ms: median(e.ms), virtual: median(e.virtual) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top)
    .map((e) => [e.key.length > 90 ? `${e.key.slice(0, 89)}…` : e.key, formatMs(e.ms), formatMs(e.virtual)]);
  return markdownTable(["Check", "Real", "Virtual"], rows, ["left", "right", "right"]);
}

const SCENARIO: Record<Experiment["scenario"], string> = {
  grade: "one grade (wall)",
  batch: `batch of ${EXPERIMENT_BATCH}, per submission`,
  watch: "watch: rerun after a save",
};

export function experimentsTable(r: BenchResult): string {
  const rows = r.experiments.map((e) => {
    const s = summarize(e.ms);
    const cpu = summarize(e.cpuMs);
    const base = r.experiments.find((x) => x.scenario === e.scenario && x.name === "baseline");
    const vs = (a: number, b: number) => (base && base !== e && Number.isFinite(a / b) ? formatRatio(a / b) : "");
    return [
      SCENARIO[e.scenario],
      e.name,
      e.description,
      formatMs(s.median),
      formatRange(s),
      String(s.n),
      vs(s.median, median(base?.ms ?? [])),
      cpu.n ? formatMs(cpu.median) : "–",
      vs(cpu.median, median(base?.cpuMs ?? [])),
      e.right.length && e.right.every(Boolean) ? "yes" : "no",
    ];
  });
  return markdownTable(
    ["Scenario", "Variant", "What changes", "Wall", "Min – max", "Samples", "vs baseline", "CPU", "CPU vs baseline", "Grades right"],
    rows,
    ["left", "left", "left", "right", "right", "right", "right", "right", "right", "left"],
  );
}

/** Module id → something short: "msw/lib/core/index.mjs", "graders/harness/sandbox/setup.ts". */
export function shortModule(id: string, root = REPO_ROOT): string {
  const nm = id.lastIndexOf("/node_modules/");
  if (nm >= 0) return id.slice(nm + "/node_modules/".length);
  const rel = path.relative(root, id);
  return rel && !rel.startsWith("..") ? rel.split(path.sep).join("/") : id;
}

export function machineLines(m: Machine): string[] {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" / ");
  return [
    `- CPU: ${m.cpu}, ${m.cores} core${m.cores === 1 ? "" : "s"} (os.availableParallelism)`,
    `- Memory: ${m.memoryGiB.toFixed(1)} GiB`,
    `- Node: ${m.node} on ${m.os}`,
    `- Load average (1 / 5 / 15 min) at start: ${load(m.loadStart)}${m.loadEnd ? `; at end: ${load(m.loadEnd)}` : ""}${m.loadPeak !== undefined ? `; highest 1-minute value during the run: ${m.loadPeak.toFixed(2)}` : ""}`,
    `- Date: ${m.date}${m.commit ? `; commit ${m.commit}` : ""}`,
  ];
}

export function loadWarning(m: Machine): string | undefined {
  const l1 = m.loadStart[0] ?? 0;
  const peak = Math.max(l1, m.loadPeak ?? 0);
  if (!isHighLoad(peak, m.cores)) return undefined;
  const during = peak > l1 ? ` and rose to ${peak.toFixed(2)} during the run` : "";
  return (
    `> **Warning: the machine was busy.** The 1-minute load average was ${l1.toFixed(2)} on ${m.cores} cores when the bench started${during}, ` +
    "so other processes competed for the CPU: wall times are pessimistic and vary more than on an idle machine. " +
    "CPU times and ratios of measures taken side by side (grade / floor) are less affected. Run `npm run bench` again on an idle machine for reference numbers."
  );
}

export function renderReport(r: BenchResult): string {
  const o = r.options;
  const flags = `--runs ${o.runs} --saves ${o.saves} --batch ${o.batchSizes.join(",")} --batch-runs ${o.batchRuns} --large-runs ${o.largeRuns}${o.sections.length < SECTIONS.length ? ` --only ${o.sections.join(",")}` : ""}${o.experiments ? " --experiments" : ""}`;
  const warning = loadWarning(r.machine);
  const out = [
    "# Benchmarks",
    "",
    `The latest \`npm run bench\` (\`${flags}\`, ${formatMs(r.totalMs)} in all). It measures, on the machine it runs on,`,
    "what the speed goals of the course are about; run it again after changing the harness. How each number is",
    "measured is explained under the tables; `tools/bench.ts` is the code.",
    "",
    ...(warning ? [warning, ""] : []),
    "## Machine",
    "",
    ...machineLines(r.machine),
    "",
    "## Results",
    "",
    resultTable(r),
    "",
  ];
  if (r.profiles.length) {
    out.push(
      "## Where the time of one grade goes",
      "",
      `Medians over ${r.profiles.length} instrumented grade${r.profiles.length === 1 ? "" : "s"} of solutions/ (vitest's TestModule diagnostics and reporter events).`,
      "Worker phases run in parallel on the workers, so their sums exceed the wall time.",
      "",
      profileTable(r),
      "",
      "Per grader file (times since the run started; each file runs in its own forked worker):",
      "",
      filesTable(r),
      "",
      "Costliest imports (vitest's import durations, self time, summed over the workers that import the module):",
      "",
      importsTable(r),
      "",
      "Slowest checks:",
      "",
      slowChecksTable(r),
      "",
    );
  }
  if (r.experiments.length) {
    out.push(
      "## Experiments (variants of the vitest options; the harness itself is unchanged)",
      "",
      `Each variant runs in this process (no child process, no integrity check) with the engine's projects (\`projectFor\`) and one vitest option changed. "one grade": solutions/, variants interleaved; "batch": ${EXPERIMENT_BATCH} copies of solutions/ in one run (a project each, as gradeBatch); "watch": vitest in watch mode as watch.ts runs it, each sample one save after a 1 s pause (invalidate + rerun of that exercise's grader), saves alternating the stub and the solution so a stale module would grade wrong. "Grades right": every run gave the expected scores. CPU time (this process, its worker threads and its exited worker processes) is the fairer comparison when the load changes during the run; watch-mode workers stay alive, so their CPU is not measured.`,
      "",
      experimentsTable(r),
      "",
    );
  }
  out.push("## How it is measured", "", ...HOW.map((h) => `- ${h}`), "");
  if (r.notes.length) out.push("## Notes from this run", "", ...r.notes.map((n) => `- ${n}`), "");
  return out.join("\n");
}

const HOW = [
  "**Full grade**: `gradeIsolated([{ target: solutions/ }])`, the call `npm run grade -- --target solutions` makes: a child process started through `launch.mjs` runs the engine (one vitest run, one project, three grader files), then the integrity check. Timed from the call to the report, in the bench process; `npm run grade` adds its own node + tsx start (about the \"child start\" row of the profile) on top.",
  "**Floor**: the same child-process path (spawned like `gradeIsolated`, through `launch.mjs`, importing the engine) and `createVitest` with the same options, configuration file, setup file, pool, `maxWorkers` and reporter, but one project whose only file is a trivial test (`expect(1 + 1).toBe(2)`, written to `tmp/`). Grade and floor runs alternate, so both see the same load; the ratio is of their medians, the range is over each grade paired with the floor run before it.",
  "**Virtual time**: an extra setup file (written to `tmp/`, added only to the instrumented runs) records, after each check, `now` of the fake-timers clock the grader installed (read from the faked `setTimeout.clock`; `useVirtualClock` resets it to 0 before every check, so `now` is what that check advanced). The bench sums it over all checks. Real time: the wall time of that same instrumented run, and the sum of the checks' own durations.",
  "**Watch**: `node graders/harness/commands/launch.mjs graders/harness/commands/watch.ts` on a temporary copy of solutions/ (as `selftest/harness/watch.test.ts` drives it). After the first scoreboard, each save rewrites one exercise file (the solution plus a comment line), cycling 01, 02, 03; the latency is from just before the write to the moment the next `graded in N ms` line arrives on the pipe, after a 1 s quiet period (WATCH_QUIET_MS) between saves (a learner edits between saves; watch mode uses that time to boot its spare worker, see warm-pool.ts). It includes the folder watcher, watch.ts's 30 ms debounce, the rerun of that exercise's grader and printing; `graded in N ms` is watch.ts's own measure of the rerun.",
  "**Batch**: `gradeBatch({ dir })`, the function `npm run grade -- --submissions <dir>` calls, on a temporary folder with n copies of solutions/ (one subfolder each). Timed from the call to the reports (the CLI adds its own start, writing the CSV and JSON files). The linear fit is over every batch run.",
  "**CPU time**: `cutime + cstime` of the bench process (Linux `/proc/self/stat`) before and after: the CPU of every descendant that exited and was waited for, i.e. the engine's child process with its vitest workers, or the batch's. Unlike wall time it hardly depends on what else runs; on an idle machine with c cores, wall time is at least CPU time / c.",
  "**Profile**: an instrumented grade in the bench process with the engine's projects (`projectFor`), options and configuration, plus a reporter that timestamps vitest's events, `experimental.importDurations` and the virtual-time setup file; transform time is `vitest.state.transformTime`. Child start is `launch.mjs` running a no-op entry that imports the engine (like `engine-child.ts` before it grades).",
];

// ─── measurements (need vitest and the engine: imported lazily) ───────────────────────────────────────

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

const cleanEnv = (): NodeJS.ProcessEnv => ({ ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST"))), FORCE_COLOR: "0" });

/** Runs a command in its own process group, like gradeIsolated; returns wall time and stdout. Kills the group at the end. */
async function timedChild(args: string[], deadlineMs = 120_000): Promise<{ ms: number; cpuMs: number; stdout: string }> {
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
function writeBenchFiles(): BenchFiles {
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

async function gradeOnce(): Promise<{ ms: number; cpuMs: number; score: number; maxScore: number; failures: string[] }> {
  const { gradeIsolated } = await import("../graders/harness/engine/isolated.ts");
  const cpu0 = childrenCpuMs();
  const started = performance.now();
  const [report] = await gradeIsolated([{ label: "grade", target: SOLUTIONS, exercises: [], checks: [] }], { deadlineMs: 120_000 });
  return { ms: performance.now() - started, cpuMs: childrenCpuMs() - cpu0, score: report!.score, maxScore: report!.maxScore, failures: failuresOf([report!]) };
}

async function floorOnce(files: BenchFiles): Promise<{ ms: number; cpuMs: number }> {
  const { ms, cpuMs, stdout } = await timedChild([LAUNCHER, BENCH_FILE, "--child", "floor", files.floorTest]);
  const passed = Number(/floor-passed (\d+)/.exec(stdout)?.[1]);
  if (passed !== 1) throw new Error(`the floor run did not pass its one test:\n${stdout}`);
  return { ms, cpuMs };
}

/** Child entry: the floor, i.e. what gradeRuns does around vitest, with one trivial test file. */
async function childFloor(testFile: string): Promise<void> {
  const { createVitest } = await import("vitest/node");
  const { CONFIG_FILE, gradingWorkers, projectFor } = await import("../graders/harness/engine/engine.ts");
  const { Collector } = await import("../graders/harness/engine/collector.ts");
  const progressDir = mkdtempSync(path.join(os.tmpdir(), "grade-progress-"));
  const base = projectFor({ label: "floor", target: SOLUTIONS }, progressDir);
  let passed = 0;
  const counter: Reporter = {
    onTestRunEnd: (modules) => {
      for (const m of modules) for (const t of m.children.allTests()) if (t.result().state === "passed") passed++;
    },
  };
  const vitest = await createVitest(
    "test",
    { config: CONFIG_FILE, root: REPO_ROOT, watch: false, reporters: [new Collector(), counter], passWithNoTests: true, maxWorkers: gradingWorkers() },
    { test: { projects: [{ test: { ...base.test, include: [testFile] } }] } },
  );
  try {
    await vitest.start();
  } finally {
    await vitest.close();
    rmSync(progressDir, { recursive: true, force: true });
  }
  process.stdout.write(`floor-passed ${passed}\n`);
}

/** Child entry: starts like engine-child.ts (launcher, engine import) and stops. */
async function childNoop(): Promise<void> {
  await import("../graders/harness/engine/engine.ts");
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

async function profileOnce(files: BenchFiles): Promise<ProfileRun> {
  const { createVitest } = await import("vitest/node");
  const { CONFIG_FILE, gradingWorkers, projectFor } = await import("../graders/harness/engine/engine.ts");
  const { GRADING_TEST_CONFIG } = await import("../graders/harness/engine/config.ts");
  const { modifiedFiles } = await import("../graders/harness/core/integrity.ts");
  const progressDir = mkdtempSync(path.join(os.tmpdir(), "grade-progress-"));
  const base = projectFor({ label: "profile", target: SOLUTIONS }, progressDir);
  const project = { test: { ...base.test, setupFiles: [...GRADING_TEST_CONFIG.setupFiles, files.virtualSetup] } };
  const timeline = new Timeline();
  const cpu0 = childrenCpuMs();
  const main0 = process.cpuUsage();
  const t0 = performance.now();
  const vitest = await createVitest(
    "test",
    {
      config: CONFIG_FILE,
      root: REPO_ROOT,
      watch: false,
      reporters: [timeline],
      passWithNoTests: true,
      maxWorkers: gradingWorkers(),
      experimental: { importDurations: { limit: 1000 } },
    },
    { test: { projects: [project] } },
  );
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
  const { createVitest } = await import("vitest/node");
  const { CONFIG_FILE, gradingWorkers, projectFor } = await import("../graders/harness/engine/engine.ts");
  const progressDir = mkdtempSync(path.join(os.tmpdir(), "grade-progress-"));
  let scores = new Map<string, { score: number; max: number }>();
  const scorer: Reporter = { onTestRunEnd: (modules) => void (scores = scoreModules(modules)) };
  const cpu0 = childrenCpuMs();
  const main0 = process.cpuUsage();
  const started = performance.now();
  const vitest = await createVitest(
    "test",
    { config: CONFIG_FILE, root: REPO_ROOT, watch: false, reporters: [scorer], passWithNoTests: true, maxWorkers: gradingWorkers(), ...overrides.root },
    { test: { projects: targets.map((target, i) => ({ test: { ...projectFor({ label: `v${i}`, target }, progressDir).test, ...overrides.project } })) } },
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
  const { createVitest } = await import("vitest/node");
  const { CONFIG_FILE, graderFile, gradingWorkers, projectFor } = await import("../graders/harness/engine/engine.ts");
  const { closeWarmPool, warmForks } = await import("../graders/harness/engine/warm-pool.ts");
  const target = mkdtempSync(path.join(os.tmpdir(), "bench-watch-"));
  for (const e of EXERCISES) copyFileSync(path.join(SOLUTIONS, `${e.id}.ts`), path.join(target, `${e.id}.ts`));
  const progressDir = mkdtempSync(path.join(os.tmpdir(), "grade-progress-"));
  let scores = new Map<string, { score: number; max: number }>();
  const scorer: Reporter = { onTestRunEnd: (modules) => void (scores = scoreModules(modules)) };
  const vitest = await createVitest(
    "test",
    { config: CONFIG_FILE, root: REPO_ROOT, watch: true, reporters: [scorer], passWithNoTests: true, maxWorkers: gradingWorkers(), ...overrides.root },
    { test: { projects: [{ test: { ...projectFor({ label: "watch", target }, progressDir).test, ...overrides.project, ...(overrides.warmPool ? { pool: warmForks() } : {}) } }] } },
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

async function experiments(options: BenchOptions): Promise<Experiment[]> {
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
async function watchSession(saves: number): Promise<WatchSession> {
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
      const t0 = performance.now();
      writeFileSync(path.join(target, `${exercise}.ts`), `${solution(exercise)}\n// bench save ${i + 1}\n`);
      const next = await waitFor(before + 1, 60_000);
      session.saves.push({ exercise, latencyMs: next.at - t0, gradedInMs: next.ms });
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

async function batchOnce(size: number): Promise<BatchRun> {
  const { gradeBatch } = await import("../graders/harness/engine/batch.ts");
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

function describeMachine(): Machine {
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

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const machine = describeMachine();
  const warning = loadWarning(machine);
  log(`bench on ${machine.cpu} × ${machine.cores}, ${machine.node}, load ${machine.loadStart.map((l) => l.toFixed(2)).join(" ")}`);
  if (warning) log("warning: the machine is busy (load average ≥ half the cores): times will be pessimistic");
  const started = performance.now();
  const sampler = setInterval(() => (machine.loadPeak = Math.max(machine.loadPeak ?? 0, os.loadavg()[0] ?? 0)), 5_000);
  sampler.unref();
  const result: BenchResult = {
    machine,
    options,
    totalMs: 0,
    nodeStartMs: [],
    launcherMs: [],
    launcherCpuMs: [],
    gradeMs: [],
    gradeCpuMs: [],
    gradeScores: [],
    floorMs: [],
    floorCpuMs: [],
    profiles: [],
    batches: [],
    experiments: [],
    notes: [],
  };
  const files = writeBenchFiles();
  try {
    const has = (s: Section) => options.sections.includes(s);
    if (has("grade")) {
      log("1. full grade vs floor (interleaved)");
      // One untimed floor run first: the first start of a process pays for cold disk caches.
      await floorOnce(files);
      for (let i = 0; i < options.runs; i++) {
        const floor = await floorOnce(files);
        result.floorMs.push(floor.ms);
        result.floorCpuMs.push(floor.cpuMs);
        const grade = await gradeOnce();
        result.gradeMs.push(grade.ms);
        result.gradeCpuMs.push(grade.cpuMs);
        result.gradeScores.push(grade.score);
        log(`  run ${i + 1}/${options.runs}: floor ${formatMs(floor.ms)} (CPU ${formatMs(floor.cpuMs)}), grade ${formatMs(grade.ms)} (CPU ${formatMs(grade.cpuMs)}, ${grade.score}/${grade.maxScore})`);
        if (grade.score !== grade.maxScore) {
          result.notes.push(`grade run ${i + 1} scored ${grade.score}/${grade.maxScore} for solutions/ (expected full marks): ${grade.failures.slice(0, 3).join("; ")}`);
        }
      }
    }
    if (has("profile")) {
      log("2. profile and virtual time (instrumented grades in this process)");
      for (let i = 0; i < options.runs; i++) {
        result.nodeStartMs.push((await timedChild(["-e", "0"])).ms);
        const launcher = await timedChild([LAUNCHER, BENCH_FILE, "--child", "noop"]);
        result.launcherMs.push(launcher.ms);
        result.launcherCpuMs.push(launcher.cpuMs);
        const p = await profileOnce(files);
        result.profiles.push(p);
        log(`  run ${i + 1}/${options.runs}: ${formatMs(p.wallMs)} wall, ${formatMs(p.virtualMs)} virtual, ${p.score}/${p.maxScore}`);
        if (p.score !== p.maxScore) result.notes.push(`instrumented run ${i + 1} scored ${p.score}/${p.maxScore}`);
      }
      const virtual = new Set(result.profiles.map((p) => Math.round(p.virtualMs)));
      if (virtual.size > 1) result.notes.push(`virtual time differed between runs (${[...virtual].join(", ")} ms): a check's clock depends on real timing`);
    }
    if (has("watch")) {
      log("3. watch mode");
      result.watch = await watchSession(options.saves);
    }
    if (has("batch")) {
      log("4. batch grading");
      for (const size of options.batchSizes) {
        const runs = runsForBatch(size, options);
        for (let i = 0; i < runs; i++) {
          const b = await batchOnce(size);
          result.batches.push(b);
          log(`  ${size} submission${size === 1 ? "" : "s"} ${i + 1}/${runs}: ${formatMs(b.ms)} (${formatRate((size * 1000) / b.ms)}, CPU ${formatMs(b.cpuMs / size)} per submission)${b.notFull ? `, ${b.notFull} not at 100` : ""}`);
          if (b.notFull) {
            result.notes.push(
              `batch of ${size}, run ${i + 1}: ${b.notFull} of ${size} copies of solutions/ did not get 100: ${(b.failures ?? []).slice(0, 3).join("; ")}`,
            );
          }
        }
      }
    }
    if (options.experiments) {
      log("experiments: variants of the vitest options");
      result.experiments = await experiments(options);
    }
  } finally {
    rmSync(files.dir, { recursive: true, force: true });
  }
  clearInterval(sampler);
  result.machine.loadEnd = os.loadavg();
  result.machine.loadPeak = Math.max(result.machine.loadPeak ?? 0, ...result.machine.loadStart.slice(0, 1), ...result.machine.loadEnd.slice(0, 1));
  result.totalMs = performance.now() - started;
  return result;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "--child") {
    if (argv[1] === "floor") await childFloor(argv[2]!);
    else if (argv[1] === "noop") await childNoop();
    else throw new Error(`unknown child mode ${argv[1]}`);
    return 0;
  }
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    const message = (error as Error).message;
    console.error(message);
    return message === BENCH_USAGE ? 0 : 2;
  }
  const result = await runBench(options);
  const report = renderReport(result);
  console.log(`\n${resultTable(result)}\n`);
  if (result.profiles.length) console.log(`${profileTable(result)}\n`);
  if (result.experiments.length) console.log(`${experimentsTable(result)}\n`);
  if (options.out) {
    writeFileSync(options.out, report);
    console.log(`written to ${path.relative(process.cwd(), options.out) || options.out}`);
  }
  return 0;
}

if (isEntryModule(import.meta.url)) {
  // Exit explicitly: vitest may leave handles open.
  await exitAfterFlush(await main(process.argv.slice(2)));
}
