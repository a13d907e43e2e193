/**
 * npm test / npm run grade: grades a folder of exercise files and prints the scoreboard.
 *
 *   npm test                                   grade exercises/
 *   npm test -- 03                             only exercise 03 (number, name or id)
 *   npm run grade -- --target solutions        grade another folder (inside or outside the repo)
 *   npm run grade -- --target solutions --json r.json   also write the JSON report
 *   npm test -- --html                         also write reports/grade.html, the report with pictures (html.ts)
 *   npm run grade -- --check 03-retry-async/exact-backoff   one check (a CI step): exit 0 iff it ran and passed
 *   npm run grade -- --format gradescope --out results.json  another format (gradescope, junit, markdown, json,
 *                                              classroom, classroom50, html); without --out it is printed instead of the scoreboard
 *   npm run grade -- --also markdown=summary.md --also json=r.json   more outputs of the same grade
 *   npm run grade -- --format classroom50 --out result.json [--classroom50-local]   Classroom 50 (classroom50.ts)
 *   npm run grade -- --submissions <dir> [--out <folder>] [--shard 1/4]   a whole class (batch.ts)
 *
 * Exit code: 0 only at full marks for what was graded, 1 otherwise, 2 for a usage error; with --exit-zero,
 * 0 whenever grading ran (a CI step or an autograder that reports the score by other means).
 * The `classroom` format is appended to its file (it is $GITHUB_OUTPUT); every other output is replaced.
 * The whole run is bounded by --deadline seconds (default 120): nothing it starts outlives it.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { gradeBatch, gradebookCsv, parseShard } from "../engine/batch.ts";
import { integrityNotice, modifiedFiles } from "../core/integrity.ts";
import { GradingTimeout, gradeIsolated } from "../engine/isolated.ts";
import { TypeChecker } from "../engine/typecheck.ts";
import { EXERCISES, findExercise } from "../core/exercises.ts";
import { classroom50Identity, IdentityError, type Classroom50Identity } from "../report/classroom50.ts";
import { FORMATS, RUNNERS_ENV, decodeRunners, formatReport, isFormat, type Format, type FormatContext } from "../report/formats.ts";
import { writeFileMakingDirs } from "../core/files.ts";
import { DEFAULT_TARGET, HTML_REPORT, htmlReportLine } from "../core/paths.ts";
import { renderHtml } from "../report/html.ts";
import { ungradedReport, type GradeReport } from "../report/report.ts";
import { progressBar, renderScoreboard } from "../report/scoreboard.ts";
import { exitAfterFlush, isEntryModule } from "../core/entry.ts";
import { forTerminal, terminalStyle } from "../report/terminal.ts";

const USAGE = `usage: npm test [-- [--html] <exercise>...]
       npm run grade -- [--target <dir>] [--json <file>] [--html] [--verbose] [<exercise>...]
       npm run grade -- [--target <dir>] --check <exercise>/<check id> [--check ...]
       npm run grade -- [--target <dir>] --format ${FORMATS.join("|")} [--out <file>]
       npm run grade -- --submissions <dir> [--out <folder>] [--shard <i>/<n>]
options: --html                write reports/grade.html too: the report with pictures of your code's timelines
         --deadline <seconds>  stop everything after this long (default 120)
         --also <format>=<file>  also write that format (repeatable)
         --classroom50-local   Classroom 50 identity placeholders, for a dry run outside its runner
         --exit-zero           exit 0 whenever grading ran, whatever the score`;

export interface CliOptions {
  target: string;
  exercises: string[];
  checks: string[];
  json?: string;
  /** Also write the HTML report to HTML_REPORT (--html). */
  html: boolean;
  /** Another output format: written to `out`, or printed instead of the scoreboard. */
  format?: Format;
  out?: string;
  /** More outputs of the same grade: format → file. */
  also: { format: Format; file: string }[];
  classroom50Local: boolean;
  exitZero: boolean;
  verbose: boolean;
  deadlineSeconds: number;
  /** Batch mode: a folder with one subfolder per learner. */
  submissions?: string;
  shard?: string;
}

export class UsageError extends Error {}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
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
        html: { type: "boolean", default: false },
        also: { type: "string", multiple: true },
        "classroom50-local": { type: "boolean", default: false },
        "exit-zero": { type: "boolean", default: false },
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
  const also = (values.also ?? []).map((item) => {
    const eq = item.indexOf("=");
    const format = item.slice(0, eq);
    if (eq < 1 || !item.slice(eq + 1) || !isFormat(format)) throw new UsageError(`--also takes <format>=<file> with a format among ${FORMATS.join(", ")}; got "${item}"`);
    return { format, file: item.slice(eq + 1) };
  });
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
      html: false,
      out: path.resolve(values.out ?? values.submissions),
      also: [],
      classroom50Local: false,
      exitZero: false,
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
    // `npm test --html` (no `--`, as PowerShell leaves it) reaches us as npm's config, not as an argument.
    html: (values.html ?? false) || env.npm_config_html === "true",
    format,
    out: values.out,
    also,
    classroom50Local: values["classroom50-local"] ?? false,
    exitZero: values["exit-zero"] ?? false,
    verbose: values.verbose ?? false,
    deadlineSeconds,
  };
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
  // What the outputs need is checked before grading: a missing identity fails in a second, not after it.
  let context: FormatContext;
  try {
    context = outputContext(options);
  } catch (error) {
    if (!(error instanceof IdentityError || error instanceof UsageError)) throw error;
    console.error(error.message);
    return 2;
  }
  // The scoreboard also lists the learner's type errors (warnings, never points), found while the grade runs.
  const scoreboard = !options.format && !options.checks.length;
  const checker = scoreboard ? new TypeChecker() : undefined;
  const typeErrors = checker?.checkTarget(options.target, options.exercises);
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
  if (typeErrors) {
    const found = await typeErrors;
    checker!.close();
    if (found.length) report = { ...report!, typeErrors: found };
  }
  const outputs = [
    ...(options.json ? [{ format: "json" as const, file: options.json }] : []),
    ...(options.html ? [{ format: "html" as const, file: HTML_REPORT }] : []),
    ...(options.format && options.out ? [{ format: options.format, file: options.out }] : []),
    ...options.also,
  ];
  for (const { format, file } of outputs) writeOutput(file, format, formatReport(report!, format, context));
  const exit = (ok: boolean) => (ok || options.exitZero ? 0 : 1);
  if (options.format && !options.out) {
    await new Promise<void>((resolve) => process.stdout.write(formatReport(report!, options.format!, context), () => resolve()));
    if (options.checks.length) return exit(checkVerdicts(report!, options.checks).ok);
    return exit(report!.score === report!.maxScore);
  }
  if (options.checks.length) {
    const { ok, lines } = checkVerdicts(report!, options.checks);
    console.log(forTerminal(lines.join("\n")));
    return exit(ok);
  }
  const style = terminalStyle();
  const width = process.stdout.isTTY ? process.stdout.columns : undefined;
  console.log(forTerminal(renderScoreboard(report!, { color: style.color, verbose: options.verbose, ...(width ? { width } : {}) }), style));
  for (const { file } of outputs.filter((o) => o.format === "html")) console.log(forTerminal(htmlReportLine(path.resolve(file)), style));
  return exit(report!.score === report!.maxScore);
}

/** Writes one output: the classroom step outputs are appended ($GITHUB_OUTPUT collects every step's). */
function writeOutput(file: string, format: Format, text: string): void {
  if (format !== "classroom") return writeFileMakingDirs(file, text);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  appendFileSync(file, text);
}

/** What the requested formats need besides the report: Classroom 50's identity, the workflow's runners. */
export function outputContext(options: CliOptions, env: NodeJS.ProcessEnv = process.env): FormatContext {
  const formats = new Set([options.format, ...options.also.map((a) => a.format)]);
  let classroom50: Classroom50Identity | undefined;
  if (formats.has("classroom50")) classroom50 = classroom50Identity(env, options.target, { local: options.classroom50Local });
  let runners;
  if (formats.has("classroom") && env[RUNNERS_ENV]) {
    try {
      runners = decodeRunners(env[RUNNERS_ENV]);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return { ...(classroom50 ? { classroom50 } : {}), ...(runners ? { runners } : {}) };
}

/** --submissions: grades a class, writes gradebook.csv, <learner>.json and <learner>.html, shows progress on a terminal. */
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
  // The gradebook's "modified" column is about the learners' copies; the course's own graders are said here.
  const own = integrityNotice(modifiedFiles());
  if (own) console.error(`⚠ this course's ${own}`);
  mkdirSync(out, { recursive: true });
  for (const { name, report } of rows) {
    writeFileSync(path.join(out, `${name}.json`), JSON.stringify(report, null, 2) + "\n");
    writeFileSync(path.join(out, `${name}.html`), renderHtml(report));
  }
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
