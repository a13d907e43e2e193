/**
 * npm run workflow: writes .github/workflows/classroom.yml, the GitHub Classroom autograding workflow,
 * from the checks and points the graders declare (never typed by hand). `--check` only says whether the
 * committed file is up to date (exit 1 when it is not).
 *
 * One step grades once (the engine runs once, every check, bounded by --deadline) and writes, from that
 * one report: the scoreboard with every check's message and hint (the log), the job summary, the JSON
 * report, and the reporter's inputs as step outputs, one runner per check worth its points
 * (formats.ts, `toClassroomOutputs`), and the HTML report, uploaded and linked from the summary. Then the reporter, classroom-resources/autograding-grading-reporter,
 * the action GitHub Classroom reads: its "Points X/Y" is exactly `npm test`'s total.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Document } from "yaml";
import { writeFileMakingDirs } from "../graders/harness/core/files.ts";
import { gradeRuns } from "../graders/harness/engine/engine.ts";
import { RUNNERS_ENV, encodeRunners, runnerId, type ExpectedRunner } from "../graders/harness/report/formats.ts";
import { REPO_ROOT } from "../graders/harness/core/paths.ts";
import type { GradeReport } from "../graders/harness/report/report.ts";
import { exitAfterFlush, isEntryModule } from "../graders/harness/core/entry.ts";

export const WORKFLOW_FILE = path.join(REPO_ROOT, ".github", "workflows", "classroom.yml");

export interface CheckInfo {
  exercise: string;
  id: string;
  /** Learner-facing sentence (the vitest test title). */
  name: string;
  points: number;
}

/** Seconds the grade allows itself: the engine's own bound (the step's timeout is a backstop above it). */
export const GRADE_DEADLINE = 300;
export const GRADE_STEP_ID = "grade";
export const REPORT_FILE = "reports/grade.json";
/** The report with pictures (html.ts): uploaded on its own, unzipped, and linked from the job summary. */
export const HTML_FILE = "reports/grade.html";
export const HTML_STEP_ID = "html-report";

/** Every graded check, in declaration order, from a report of the graders (see collectChecks). */
export function checksOf(report: GradeReport): { checks: CheckInfo[]; warnings: string[] } {
  const checks: CheckInfo[] = [];
  const warnings: string[] = [];
  for (const ex of report.exercises) {
    if (ex.tests.length === 0) {
      warnings.push(`${ex.id}: no checks found (${ex.message ?? "the grader did not run"}); it gets no runner in the workflow`);
      continue;
    }
    const missed = ex.tests.filter((t) => t.status !== "passed");
    if (missed.length) warnings.push(`${ex.id}: the reference solution misses ${missed.map((t) => t.id).join(", ")}`);
    for (const t of ex.tests) checks.push({ exercise: ex.id, id: t.id, name: t.name, points: t.maxPoints });
  }
  return { checks, warnings };
}

/** One reporter runner per check, in the graders' order. */
export function runnersOf(checks: readonly CheckInfo[]): ExpectedRunner[] {
  const runners = checks.map((c) => ({ id: runnerId(c.exercise, c.id), exercise: c.exercise, check: c.id, points: c.points }));
  const seen = new Set<string>();
  for (const r of runners) {
    if (seen.has(r.id)) throw new Error(`two checks make the same reporter runner id "${r.id}": rename one of them`);
    seen.add(r.id);
  }
  return runners;
}

/** The grade step's command: one engine run, every output from its one report. */
export function gradeCommand(): string {
  return (
    `node --import tsx graders/harness/commands/cli.ts --verbose --exit-zero --deadline ${GRADE_DEADLINE} --json ${REPORT_FILE}` +
    ` --also html=${HTML_FILE} --also markdown="$GITHUB_STEP_SUMMARY" --also classroom="$GITHUB_OUTPUT"`
  );
}

/** The workflow file's text. */
export function renderWorkflow(runners: readonly ExpectedRunner[]): string {
  const workflow = {
    name: "Autograding Tests",
    on: ["push", "workflow_dispatch", "repository_dispatch"],
    permissions: { checks: "write", actions: "read", contents: "read" },
    jobs: {
      "run-autograding-tests": {
        "runs-on": "ubuntu-latest",
        if: "github.actor != 'github-classroom[bot]'",
        "timeout-minutes": 20,
        steps: [
          { name: "Checkout code", uses: "actions/checkout@v6" },
          { name: "Set up Node.js", uses: "actions/setup-node@v6", with: { "node-version": 24, cache: "npm" } },
          { name: "Install dependencies", run: "npm ci" },
          {
            name: "Grade every check (once)",
            id: GRADE_STEP_ID,
            "timeout-minutes": Math.ceil(GRADE_DEADLINE / 60) + 2,
            env: { [RUNNERS_ENV]: encodeRunners(runners) },
            run: gradeCommand(),
          },
          {
            name: "Autograding Reporter",
            uses: "classroom-resources/autograding-grading-reporter@v1",
            env: Object.fromEntries(runners.map((r) => [`${r.id.toUpperCase()}_RESULTS`, `\${{ steps.${GRADE_STEP_ID}.outputs.${r.id} }}`])),
            with: { runners: runners.map((r) => r.id).join(",") },
          },
          {
            name: "Upload the grade report",
            if: "always()",
            uses: "actions/upload-artifact@v7",
            with: { name: "grade-report", path: REPORT_FILE, "if-no-files-found": "warn" },
          },
          {
            name: "Upload the HTML report",
            id: HTML_STEP_ID,
            if: "always()",
            uses: "actions/upload-artifact@v7",
            // One file, not zipped (v7's archive: false): the summary's link opens grade.html itself.
            with: { path: HTML_FILE, archive: false, "if-no-files-found": "warn" },
          },
          {
            name: "Link the HTML report from the job summary",
            if: `always() && steps.${HTML_STEP_ID}.outputs.artifact-url != ''`,
            env: { REPORT_URL: `\${{ steps.${HTML_STEP_ID}.outputs.artifact-url }}` },
            run: 'echo "[The grade report with pictures of your code\'s timelines (grade.html)]($REPORT_URL)" >> "$GITHUB_STEP_SUMMARY"',
          },
        ],
      },
    },
  };
  const doc = new Document(workflow);
  doc.commentBefore =
    " Generated by `npm run workflow` from the checks and points declared in graders/*.test.ts.\n" +
    " Do not edit by hand: change a grader, then run `npm run workflow` again.";
  return doc.toString({ lineWidth: 0 });
}

/** Grades solutions/ once: every check's id, title and points, exactly as the graders declare them. */
export async function collectChecks(): Promise<{ checks: CheckInfo[]; warnings: string[] }> {
  const [report] = await gradeRuns([{ label: "workflow", target: path.join(REPO_ROOT, "solutions") }]);
  return checksOf(report!);
}

export async function main(argv: string[]): Promise<number> {
  const checkOnly = argv.includes("--check");
  const { checks, warnings } = await collectChecks();
  for (const w of warnings) console.error(`warning: ${w}`);
  const runners = runnersOf(checks);
  const text = renderWorkflow(runners);
  const shown = path.relative(REPO_ROOT, WORKFLOW_FILE);
  const total = runners.reduce((s, r) => s + r.points, 0);
  if (checkOnly) {
    const current = existsSync(WORKFLOW_FILE) ? readFileSync(WORKFLOW_FILE, "utf8") : "";
    if (current === text) {
      console.log(`${shown} is up to date (${runners.length} checks, ${total} points).`);
      return 0;
    }
    console.error(`${shown} is out of date: run \`npm run workflow\`.`);
    return 1;
  }
  writeFileMakingDirs(WORKFLOW_FILE, text);
  console.log(`wrote ${shown}: one grade step, ${runners.length} checks, ${total} points.`);
  return 0;
}

if (isEntryModule(import.meta.url)) {
  await exitAfterFlush(await main(process.argv.slice(2)));
}
