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
 *   5. html: the size of a learner's HTML report, renderHtml's time (and 100 learners' worth, projected), and
 *      each page's load and layout in headless Chromium against an empty page's, interleaved (#17);
 *   and a profile of one grade: process start, vitest start, workers, setup file, imports, checks, close.
 *
 *   npm run bench [-- --runs 3] [--saves 9] [--batch 1,10,50] [--large-runs 1] [--html-runs 15] [--quick]
 *                    [--only grade,profile,watch,batch,html] [--experiments] [--out BENCHMARKS.md | --no-write]
 *
 * The harness is only driven, never changed: virtual time and the profile come from a grade run in this
 * process with the engine's own projects plus one extra setup file (written to tmp/, outside the graders)
 * that records each check's clock at its end, and vitest's own diagnostics (TestModule.diagnostic()).
 *
 * Everything but main() and the measurements is pure and unit-tested (selftest/harness/bench.test.ts);
 * the heavy modules (vitest, the engine) are imported lazily (measure.ts) so that test imports them cheaply.
 */
import { rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { exitAfterFlush, isEntryModule } from "../../graders/harness/core/entry.ts";
import { BENCH_FILE, LAUNCHER, batchOnce, childFloor, childNoop, describeMachine, experiments, floorOnce, gradeOnce, htmlBench, log, npmTestOnce, profileOnce, timedChild, watchSession, writeBenchFiles } from "./measure.ts";
import { BENCH_USAGE, parseBenchArgs, runsForBatch, type BenchOptions, type Section } from "./options.ts";
import { experimentsTable, loadWarning, profileTable, renderReport, resultTable, type BenchResult } from "./report.ts";
import { formatMs, formatRate } from "./format.ts";

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
    npmTestMs: [],
    npmTestNoTypesMs: [],
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
        // npm test with and without its type check, alternately: the type warnings' cost (#16's budget, 0.5 s).
        const plain = await npmTestOnce(false);
        const typed = await npmTestOnce(true);
        (result.npmTestMs ??= []).push(typed);
        (result.npmTestNoTypesMs ??= []).push(plain);
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
    if (has("html")) {
      log("5. HTML report: size, renderHtml, load in Chromium (interleaved with an empty page)");
      result.html = await htmlBench(options.htmlRuns, result.notes);
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
