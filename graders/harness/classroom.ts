/**
 * npm run workflow: writes .github/workflows/classroom.yml, the GitHub Classroom autograding workflow,
 * from the checks and points the graders declare (never typed by hand). `--check` only says whether the
 * committed file is up to date (exit 1 when it is not).
 *
 * The shape is the one GitHub Classroom generated and its successors still read: one
 * autograding-command-grader step per small group of checks (its score is max-score if the command exits 0,
 * else 0), then autograding-grading-reporter with one <ID>_RESULTS per step. The job also writes the
 * scoreboard to the job summary and uploads the JSON report, so plain GitHub Actions show the score too.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Document } from "yaml";
import { writeFileMakingDirs } from "./cli.ts";
import { gradeRuns } from "./engine.ts";
import { EXERCISES } from "./exercises.ts";
import { REPO_ROOT } from "./paths.ts";
import type { GradeReport } from "./report.ts";
import { exitAfterFlush, isEntryModule } from "./entry.ts";

export const WORKFLOW_FILE = path.join(REPO_ROOT, ".github", "workflows", "classroom.yml");

export interface CheckInfo {
  exercise: string;
  id: string;
  /** Learner-facing sentence (the vitest test title). */
  name: string;
  points: number;
}

export interface Step {
  /** Step id: letters and digits only (the reporter reads `${ID}_RESULTS`; hyphens break its error path). */
  id: string;
  name: string;
  checks: CheckInfo[];
  points: number;
  /** Seconds the command allows itself (--deadline): the action's timeout does not kill what runs under sh. */
  deadline: number;
  /** Minutes, for the action. */
  timeout: number;
  command: string;
}

/** Roughly this many points per step: about 10 steps for 100 points (each step costs a grader start). */
const STEP_POINTS = 10;

/** Every graded check, in declaration order, from a report of the graders (see collectChecks). */
export function checksOf(report: GradeReport): { checks: CheckInfo[]; warnings: string[] } {
  const checks: CheckInfo[] = [];
  const warnings: string[] = [];
  for (const ex of report.exercises) {
    if (ex.tests.length === 0) {
      warnings.push(`${ex.id}: no checks found (${ex.message ?? "the grader did not run"}); it gets no step`);
      continue;
    }
    const missed = ex.tests.filter((t) => t.status !== "passed");
    if (missed.length) warnings.push(`${ex.id}: the reference solution misses ${missed.map((t) => t.id).join(", ")}`);
    for (const t of ex.tests) checks.push({ exercise: ex.id, id: t.id, name: t.name, points: t.maxPoints });
  }
  return { checks, warnings };
}

/** "AsyncQueue: get returns …" → "AsyncQueue"; checks with a shared prefix stay in the same steps. */
function topicOf(name: string): string {
  return /^([A-Za-z][\w.]*): /.exec(name)?.[1] ?? "";
}

/** Splits `items` into `k` contiguous groups, keeping the largest group's points as small as possible. */
export function partition(items: CheckInfo[], k: number): CheckInfo[][] {
  const n = items.length;
  k = Math.max(1, Math.min(k, n));
  const prefix = [0];
  for (const item of items) prefix.push(prefix.at(-1)! + item.points);
  const sum = (i: number, j: number) => prefix[j]! - prefix[i]!;
  // best[g][j]: the smallest possible largest group when the first j items form g groups.
  const best = Array.from({ length: k + 1 }, () => new Array<number>(n + 1).fill(Infinity));
  const cut = Array.from({ length: k + 1 }, () => new Array<number>(n + 1).fill(0));
  best[0]![0] = 0;
  for (let g = 1; g <= k; g++) {
    for (let j = g; j <= n; j++) {
      for (let i = g - 1; i < j; i++) {
        const cost = Math.max(best[g - 1]![i]!, sum(i, j));
        if (cost < best[g]![j]!) {
          best[g]![j] = cost;
          cut[g]![j] = i;
        }
      }
    }
  }
  const groups: CheckInfo[][] = [];
  for (let g = k, j = n; g > 0; g--) {
    const i = cut[g]![j]!;
    groups.unshift(items.slice(i, j));
    j = i;
  }
  return groups;
}

/** "AsyncQueue: a; AsyncQueue: b" → "AsyncQueue: a; b". */
function sentence(checks: CheckInfo[]): string {
  const topic = topicOf(checks[0]!.name);
  if (topic && checks.every((c) => topicOf(c.name) === topic)) {
    return `${topic}: ${checks.map((c) => c.name.slice(topic.length + 2)).join("; ")}`;
  }
  return checks.map((c) => c.name).join("; ");
}

export function stepCommand(checks: CheckInfo[], deadline: number): string {
  return `node --import tsx graders/harness/cli.ts ${checks.map((c) => `--check ${c.exercise}/${c.id}`).join(" ")} --deadline ${deadline}`;
}

/** Groups the checks of each exercise into steps of about STEP_POINTS points, never mixing exercises or topics. */
export function planSteps(checks: CheckInfo[]): Step[] {
  const steps: Step[] = [];
  for (const info of EXERCISES) {
    const mine = checks.filter((c) => c.exercise === info.id);
    const topics: CheckInfo[][] = [];
    for (const c of mine) {
      const last = topics.at(-1);
      if (last && topicOf(last[0]!.name) === topicOf(c.name)) last.push(c);
      else topics.push([c]);
    }
    const groups = topics.flatMap((t) => partition(t, Math.round(t.reduce((s, c) => s + c.points, 0) / STEP_POINTS)));
    groups.forEach((group, i) => {
      const deadline = 60 + 15 * group.length;
      steps.push({
        id: `ex${info.id.slice(0, 2)}part${i + 1}`,
        name: `${info.id.slice(0, 2)} ${info.title} — ${sentence(group)}`,
        checks: group,
        points: group.reduce((s, c) => s + c.points, 0),
        deadline,
        timeout: Math.ceil(deadline / 60) + 1,
        command: stepCommand(group, deadline),
      });
    });
  }
  return steps;
}

export const REPORT_FILE = "reports/grade.json";

/** The workflow file's text. */
export function renderWorkflow(steps: Step[]): string {
  const workflow = {
    name: "Autograding Tests",
    on: ["push", "workflow_dispatch", "repository_dispatch"],
    permissions: { checks: "write", actions: "read", contents: "read" },
    jobs: {
      "run-autograding-tests": {
        "runs-on": "ubuntu-latest",
        if: "github.actor != 'github-classroom[bot]'",
        steps: [
          { name: "Checkout code", uses: "actions/checkout@v4" },
          { name: "Set up Node.js", uses: "actions/setup-node@v4", with: { "node-version": 20, cache: "npm" } },
          { name: "Install dependencies", run: "npm ci" },
          ...steps.map((s) => ({
            name: s.name,
            id: s.id,
            uses: "classroom-resources/autograding-command-grader@v1",
            with: { "test-name": s.name, command: s.command, timeout: s.timeout, "max-score": s.points },
          })),
          {
            name: "Autograding Reporter",
            uses: "classroom-resources/autograding-grading-reporter@v1",
            env: Object.fromEntries(steps.map((s) => [`${s.id.toUpperCase()}_RESULTS`, `\${{ steps.${s.id}.outputs.result }}`])),
            with: { runners: steps.map((s) => s.id).join(",") },
          },
          {
            name: "Scoreboard in the job summary",
            if: "always()",
            run: `npm run grade -- --format markdown --out "$GITHUB_STEP_SUMMARY" --json ${REPORT_FILE} || echo "Not full marks yet: the scoreboard is in the job summary."`,
          },
          {
            name: "Upload the grade report",
            if: "always()",
            uses: "actions/upload-artifact@v4",
            with: { name: "grade-report", path: REPORT_FILE, "if-no-files-found": "warn" },
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
  const steps = planSteps(checks);
  const text = renderWorkflow(steps);
  const shown = path.relative(REPO_ROOT, WORKFLOW_FILE);
  const total = steps.reduce((s, step) => s + step.points, 0);
  if (checkOnly) {
    const current = existsSync(WORKFLOW_FILE) ? readFileSync(WORKFLOW_FILE, "utf8") : "";
    if (current === text) {
      console.log(`${shown} is up to date (${steps.length} steps, ${total} points).`);
      return 0;
    }
    console.error(`${shown} is out of date: run \`npm run workflow\`.`);
    return 1;
  }
  writeFileMakingDirs(WORKFLOW_FILE, text);
  console.log(`wrote ${shown}: ${steps.length} steps, ${checks.length} checks, ${total} points.`);
  return 0;
}

if (isEntryModule(import.meta.url)) {
  await exitAfterFlush(await main(process.argv.slice(2)));
}
