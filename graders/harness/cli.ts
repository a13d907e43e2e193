/**
 * npm test / npm run grade: grades a folder of exercise files and prints the scoreboard.
 *
 *   npm test                                   grade exercises/
 *   npm test -- 03                             only exercise 03 (number, name or id)
 *   npm run grade -- --target solutions        grade another folder (inside or outside the repo)
 *   npm run grade -- --target solutions --json r.json   also write the JSON report
 *   npm run grade -- --check 03-retry-async/exact-backoff   one check (a CI step): exit 0 iff it ran and passed
 *   npm run grade -- --format gradescope --out results.json  another format (gradescope, junit, markdown, json);
 *                                              without --out it is printed instead of the scoreboard
 *   npm run grade -- --submissions <dir> [--out <folder>] [--shard 1/4]   a whole class (batch.ts)
 *
 * Exit code: 0 only at full marks for what was graded, 1 otherwise, 2 for a usage error.
 * The whole run is bounded by --deadline seconds (default 120): nothing it starts outlives it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { gradeBatch, gradebookCsv, parseShard } from "./batch.ts";
import { GradingTimeout, gradeIsolated } from "./isolated.ts";
import { EXERCISES, findExercise } from "./exercises.ts";
import { FORMATS, formatReport, isFormat, type Format } from "./formats.ts";
import { DEFAULT_TARGET } from "./paths.ts";
import { ungradedReport, type GradeReport } from "./report.ts";
import { progressBar, renderScoreboard } from "./scoreboard.ts";
import { exitAfterFlush, isEntryModule } from "./entry.ts";
import { forTerminal, terminalStyle } from "./terminal.ts";

const USAGE = `usage: npm test [-- <exercise>...]
       npm run grade -- [--target <dir>] [--json <file>] [--verbose] [<exercise>...]
       npm run grade -- [--target <dir>] --check <exercise>/<check id> [--check ...]
       npm run grade -- [--target <dir>] --format gradescope|junit|markdown|json [--out <file>]
       npm run grade -- --submissions <dir> [--out <folder>] [--shard <i>/<n>]
options: --deadline <seconds>  stop everything after this long (default 120)`;

export interface CliOptions {
  target: string;
  exercises: string[];
  checks: string[];
  json?: string;
  /** Another output format: written to `out`, or printed instead of the scoreboard. */
  format?: Format;
  out?: string;
  verbose: boolean;
  deadlineSeconds: number;
  /** Batch mode: a folder with one subfolder per learner. */
  submissions?: string;
  shard?: string;
}

export class UsageError extends Error {}

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        target: { type: "string" },
        json: { type: "string" },
        format: { type: "string" },
        out: { type: "string" },
        check: { type: "string", multiple: true },
        submissions: { type: "string" },
        shard: { type: "string" },
        deadline: { type: "string" },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError(USAGE);
  const exercise = (name: string) => {
    const info = findExercise(name);
    if (!info) throw new UsageError(`unknown exercise "${name}": use a number (03), a name (retry-async) or an id (03-retry-async)`);
    return info.id;
  };
  const checks = (values.check ?? []).map((c) => {
    const [ex, id] = c.split("/");
    if (!ex || !id) throw new UsageError(`--check takes <exercise>/<check id>, e.g. 03-retry-async/exact-backoff; got "${c}"`);
    return `${exercise(ex)}/${id}`;
  });
  const exercises = [...new Set([...positionals.map(exercise), ...checks.map((c) => c.split("/")[0]!)])];
  const deadlineSeconds = Number(values.deadline ?? 120);
  if (!(deadlineSeconds > 0)) throw new UsageError(`--deadline takes a number of seconds; got "${values.deadline}"`);
  if (values.format !== undefined && !isFormat(values.format)) {
    throw new UsageError(`--format takes one of ${FORMATS.join(", ")}; got "${values.format}"`);
  }
  if (values.shard !== undefined && values.submissions === undefined) throw new UsageError("--shard goes with --submissions");
  if (values.shard !== undefined) {
    try {
      parseShard(values.shard);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  if (values.submissions !== undefined) {
    return {
      target: path.resolve(values.target ?? DEFAULT_TARGET),
      exercises: [],
      checks: [],
      out: path.resolve(values.out ?? values.submissions),
      verbose: false,
      deadlineSeconds,
      submissions: path.resolve(values.submissions),
      ...(values.shard !== undefined ? { shard: values.shard } : {}),
    };
  }
  const format = values.format ?? (values.out !== undefined ? "json" : undefined);
  return {
    target: path.resolve(values.target ?? DEFAULT_TARGET),
    exercises: EXERCISES.map((e) => e.id).filter((id) => exercises.includes(id)),
    checks,
    json: values.json,
    format,
    out: values.out,
    verbose: values.verbose ?? false,
    deadlineSeconds,
  };
}

export function writeFileMakingDirs(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}

/** For --check: one line per requested check, and whether every one of them ran and passed. */
export function checkVerdicts(report: GradeReport, checks: readonly string[]): { ok: boolean; lines: string[] } {
  let ok = true;
  const lines = checks.map((wanted) => {
    const [exerciseId, checkId] = wanted.split("/");
    const test = report.exercises.find((e) => e.id === exerciseId)?.tests.find((t) => t.id === checkId);
    if (!test) {
      ok = false;
      return `✗ ${wanted}: no such check ran — the grader does not define it (was it removed or renamed?)`;
    }
    if (test.status !== "passed") {
      ok = false;
      return `✗ ${wanted} ${test.points}/${test.maxPoints}  ${test.name}\n  ${(test.message ?? test.status).split("\n").join("\n  ")}`;
    }
    return `✓ ${wanted} ${test.points}/${test.maxPoints}  ${test.name}${test.leak ? `\n  ${test.leak}` : ""}`;
  });
  return { ok, lines };
}

export async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCli(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  if (options.submissions) return batch(options.submissions, options.out!, options.shard);
  let report: GradeReport | undefined;
  try {
    [report] = await gradeIsolated([{ label: "grade", target: options.target, exercises: options.exercises, checks: options.checks }], {
      deadlineMs: options.deadlineSeconds * 1000,
    });
  } catch (error) {
    if (!(error instanceof GradingTimeout)) {
      console.error(error instanceof Error ? error.message : String(error));
      return 1;
    }
    report = ungradedReport(options.target, error.message, options.exercises);
  }
  if (options.json) writeFileMakingDirs(options.json, JSON.stringify(report, null, 2) + "\n");
  if (options.format && options.out) writeFileMakingDirs(options.out, formatReport(report!, options.format));
  if (options.format && !options.out) {
    await new Promise<void>((resolve) => process.stdout.write(formatReport(report!, options.format!), () => resolve()));
    if (options.checks.length) return checkVerdicts(report!, options.checks).ok ? 0 : 1;
    return report!.score === report!.maxScore ? 0 : 1;
  }
  if (options.checks.length) {
    const { ok, lines } = checkVerdicts(report!, options.checks);
    console.log(forTerminal(lines.join("\n")));
    return ok ? 0 : 1;
  }
  const style = terminalStyle();
  console.log(forTerminal(renderScoreboard(report!, { color: style.color, verbose: options.verbose }), style));
  return report!.score === report!.maxScore ? 0 : 1;
}

/** --submissions: grades a class, writes gradebook.csv and <learner>.json, shows progress on a terminal. */
async function batch(dir: string, out: string, shardSpec?: string): Promise<number> {
  const tty = process.stderr.isTTY;
  const started = performance.now();
  let rows;
  try {
    rows = await gradeBatch({
      dir,
      ...(shardSpec ? { shard: shardSpec } : {}),
      onProgress: (done, total) => {
        if (tty) process.stderr.write(forTerminal(`\r${progressBar(done, total, 30)} ${done}/${total} exercises graded`));
      },
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  if (tty) process.stderr.write("\n");
  mkdirSync(out, { recursive: true });
  for (const { name, report } of rows) writeFileSync(path.join(out, `${name}.json`), JSON.stringify(report, null, 2) + "\n");
  const gradebook = path.join(out, shardSpec ? `gradebook-${shardSpec.replace("/", "-of-")}.csv` : "gradebook.csv");
  writeFileSync(gradebook, gradebookCsv(rows));
  const seconds = (performance.now() - started) / 1000;
  console.log(`graded ${rows.length} submission${rows.length === 1 ? "" : "s"} in ${seconds.toFixed(1)} s → ${gradebook}`);
  for (const { name, report } of rows) console.log(`  ${name.padEnd(24)} ${String(report.score).padStart(3)}/${report.maxScore}`);
  return 0;
}

if (isEntryModule(import.meta.url)) {
  await exitAfterFlush(await main(process.argv.slice(2)));
}
