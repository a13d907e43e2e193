/** The benchmark's results and the report written to BENCHMARKS.md (tables, notes, the machine). Pure. */
import os from "node:os";
import path from "node:path";
import { EXERCISES } from "../../graders/harness/core/exercises.ts";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";
import { type Align, formatBytes, formatMs, formatRange, formatRate, formatRatio, markdownTable, verdict } from "./format.ts";
import { SECTIONS, type BenchOptions } from "./options.ts";
import { isHighLoad, linearFit, median, pairedDifferences, pairedRatios, summarize } from "./stats.ts";

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
  /** staleMarkMs: from the save to the "⟳ grading …" line that marks the old result stale. */
  saves: { exercise: string; latencyMs: number; gradedInMs: number; staleMarkMs?: number }[];
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

/** One learner's HTML report (the html section): its page as batch grading writes it, and what it costs. */
export interface HtmlPage {
  /** Whose report: "solutions/" or the learner folder's name. */
  name: string;
  score: number;
  maxScore: number;
  /** renderHtml's string in UTF-8, the bytes of the `<learner>.html` batch grading writes. */
  bytes: number;
  /** renderHtml(report), each sample one call (after an untimed one). */
  renderMs: number[];
  /** Chromium: a fresh page, the file loaded until "load", then a forced layout; empty without a browser. */
  loadMs: number[];
}

export interface HtmlBench {
  pages: HtmlPage[];
  /** The same in Chromium for an empty HTML page, in the same rounds as the pages (the floor). */
  emptyLoadMs: number[];
  /** Chromium's version and its start (once, outside the page times); absent without a browser. */
  browser?: { version: string; launchMs: number };
}

/** A batch whose HTML reports the html section projects (issue #17's goal). */
export const HTML_BATCH = 100;
/** Issue #17: each learner's report stays under this many bytes, and loads in a browser within HTML_LOAD_GOAL_MS. */
export const HTML_SIZE_GOAL = 300_000;
export const HTML_LOAD_GOAL_MS = 1_000;

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
  /** `npm test -- --target solutions` (scoreboard with type warnings), and the same without the type check. */
  npmTestMs?: number[];
  npmTestNoTypesMs?: number[];
  profiles: ProfileRun[];
  watch?: WatchSession;
  batches: BatchRun[];
  experiments: Experiment[];
  html?: HtmlBench;
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
  if (r.npmTestMs?.length && r.npmTestNoTypesMs?.length) {
    const cost = r.npmTestMs.map((ms, i) => ms - (r.npmTestNoTypesMs![i] ?? NaN)).filter((x) => !Number.isNaN(x));
    rows.push(row("   npm test (scoreboard + type warnings)", r.npmTestMs));
    rows.push(row("   npm test without the type check (--format json)", r.npmTestNoTypesMs));
    rows.push(row("   cost of the type warnings (paired differences)", cost, formatMs, "≤ 0.5 s", verdict(median(cost), 500)));
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
    const marks = r.watch.saves.flatMap((s) => (s.staleMarkMs === undefined ? [] : [s.staleMarkMs]));
    if (marks.length) rows.push(row("   save → \"⟳ grading…\" (old result marked stale)", marks, formatMs, "≤ 100 ms", verdict(median(marks), 100)));
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
  if (r.html) rows.push(...htmlRows(r.html));
  return rows;
}

/** Rows of the html section: each page's size, renderHtml's time, the 100-learner projection, then Chromium against the empty page. */
export function htmlRows(h: HtmlBench): string[][] {
  const rows: string[][] = [];
  h.pages.forEach((p, i) => {
    rows.push([`${i === 0 ? "5." : "  "} HTML report of ${p.name} (${p.score}/${p.maxScore}): size`, formatBytes(p.bytes), "", "1", `< ${formatBytes(HTML_SIZE_GOAL)}`, p.bytes < HTML_SIZE_GOAL ? "yes" : "no"]);
  });
  for (const p of h.pages) rows.push(row(`   renderHtml, ${p.name}`, p.renderMs));
  if (h.pages.length) {
    const slowest = Math.max(...h.pages.map((p) => median(p.renderMs)));
    const largest = Math.max(...h.pages.map((p) => p.bytes));
    rows.push([`   projection, ${HTML_BATCH} learners: ${HTML_BATCH} × the slower renderHtml (not timed)`, formatMs(HTML_BATCH * slowest), "", "", "", ""]);
    rows.push([`   projection, ${HTML_BATCH} learners: ${HTML_BATCH} × the larger page (not measured)`, formatBytes(HTML_BATCH * largest), "", "", "", ""]);
  }
  if (summarize(h.emptyLoadMs).n) {
    rows.push(row("   Chromium: empty page, load + layout (floor)", h.emptyLoadMs));
    for (const p of h.pages) {
      rows.push(row(`   Chromium: page of ${p.name}, load + layout`, p.loadMs, formatMs, `≤ ${HTML_LOAD_GOAL_MS / 1000} s`, verdict(median(p.loadMs), HTML_LOAD_GOAL_MS)));
      rows.push(row("     − the empty page (paired differences)", pairedDifferences(p.loadMs, h.emptyLoadMs)));
    }
    if (h.browser) rows.push(["   Chromium start (once, outside the page times)", formatMs(h.browser.launchMs), "", "1", "", ""]);
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
  const flags = `--runs ${o.runs} --saves ${o.saves} --batch ${o.batchSizes.join(",")} --batch-runs ${o.batchRuns} --large-runs ${o.largeRuns} --html-runs ${o.htmlRuns}${o.sections.length < SECTIONS.length ? ` --only ${o.sections.join(",")}` : ""}${o.experiments ? " --experiments" : ""}`;
  const warning = loadWarning(r.machine);
  const out = [
    "# Benchmarks",
    "",
    `The latest \`npm run bench\` (\`${flags}\`, ${formatMs(r.totalMs)} in all). It measures, on the machine it runs on,`,
    "what the speed goals of the course are about; run it again after changing the harness. How each number is",
    "measured is explained under the tables; `tools/bench/` is the code.",
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
  `**HTML report**: \`gradeIsolated\` grades solutions/ and one failing learner (a copy of solutions/ whose 01 is the known \`wrong-fixed-batches\` submission) in one engine run, as batch grading does, and \`renderHtml\` turns each report into the page batch grading writes as \`<learner>.html\`. Size: the page's UTF-8 bytes (1 KB = 1000 bytes). renderHtml: one timed call per sample, after an untimed one. Chromium: headless, through playwright-core with the system's browser (\`CHROMIUM_PATH\`, else /usr/bin/chromium; without one these rows are skipped and a note says so); each sample opens a fresh page (its own browser context), loads the file:// URL until the \`load\` event, then forces a layout (\`document.body.getBoundingClientRect()\`). The empty page (a doctype and a title) goes through the same steps, in the same rounds as the reports, the order rotated each round after one untimed round: the paired differences are what the report itself costs over opening any page. Folded (passing) checks are laid out only when opened, as in a reader's browser. The ${HTML_BATCH}-learner rows are projections, ${HTML_BATCH} × one page's numbers: no batch of ${HTML_BATCH} is graded here (section 4 times batch grading itself).`,
  "**CPU time**: `cutime + cstime` of the bench process (Linux `/proc/self/stat`) before and after: the CPU of every descendant that exited and was waited for, i.e. the engine's child process with its vitest workers, or the batch's. Unlike wall time it hardly depends on what else runs; on an idle machine with c cores, wall time is at least CPU time / c.",
  "**Profile**: an instrumented grade in the bench process with the engine's projects (`projectFor`), options and configuration, plus a reporter that timestamps vitest's events, `experimental.importDurations` and the virtual-time setup file; transform time is `vitest.state.transformTime`. Child start is `launch.mjs` running a no-op entry that imports the engine (like `engine-child.ts` before it grades).",
];
