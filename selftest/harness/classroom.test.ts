/**
 * The GitHub Classroom workflow: generated from the graders (the committed file must be up to date), in the
 * shape Classroom reads, and proven by running its grade step locally as Actions would (sh -c, an
 * environment holding only PATH, HOME, the step's env and the files Actions provides) for the solutions,
 * the stubs and partial submissions: the reporter's inputs it writes give exactly the points `npm test`
 * gives. With CLASSROOM_REPORTER_DIR set to a checkout of classroom-resources/autograding-grading-reporter
 * (v1), the real reporter then runs on those inputs and its "Points X/Y" annotation must say the same.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { checksOf, GRADE_DEADLINE, HTML_FILE, HTML_STEP_ID, REPORT_FILE, renderWorkflow, runnersOf, WORKFLOW_FILE, type CheckInfo } from "../../tools/classroom.ts";
import { EXERCISES } from "../../graders/harness/core/exercises.ts";
import { exportTemplate } from "../../tools/export.ts";
import { RUNNERS_ENV, decodeRunners, type RunnerResult } from "../../graders/harness/report/formats.ts";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";
import type { GradeReport } from "../../graders/harness/report/report.ts";
import { killTree, treeRoot } from "../../graders/harness/engine/process-tree.ts";

interface WorkflowStep {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  "timeout-minutes"?: number;
  with?: Record<string, string | number>;
  env?: Record<string, string>;
}
interface Workflow {
  name: string;
  on: unknown;
  permissions: Record<string, string>;
  jobs: Record<string, { "runs-on": string; if: string; "timeout-minutes": number; steps: WorkflowStep[] }>;
}

const REPORTER = "classroom-resources/autograding-grading-reporter@v1";
const REPORTER_DIR = process.env.CLASSROOM_REPORTER_DIR;

function stepsOf(workflow: Workflow): WorkflowStep[] {
  return workflow.jobs["run-autograding-tests"]!.steps;
}

describe("generating the workflow (unit)", () => {
  const check = (exercise: string, id: string, points: number, name = `does ${id}`): CheckInfo => ({ exercise, id, name, points });

  test("one runner per check, ids of letters and digits, unique; a clash is refused", () => {
    const runners = runnersOf([check("01-download-files", "sliding-window", 3), check("03-retry-async", "exact-backoff", 4)]);
    expect(runners).toEqual([
      { id: "ex01slidingwindow", exercise: "01-download-files", check: "sliding-window", points: 3 },
      { id: "ex03exactbackoff", exercise: "03-retry-async", check: "exact-backoff", points: 4 },
    ]);
    expect(() => runnersOf([check("03-retry-async", "a-b", 1), check("03-retry-async", "ab", 1)])).toThrow(/same reporter runner id "ex03ab"/);
  });

  test("checks come from the report of the graders; an exercise without checks gets a warning", () => {
    const report: GradeReport = {
      target: "/s",
      score: 5,
      maxScore: 35,
      exercises: [
        { id: "01-download-files", score: 0, maxScore: 35, status: "error", message: "the grader did not run", tests: [] },
        { id: "03-retry-async", score: 5, maxScore: 30, status: "failed", tests: [
          { name: "waits", id: "exact-backoff", points: 5, maxPoints: 5, status: "passed" },
          { name: "same", id: "same-error", points: 0, maxPoints: 25, status: "failed", message: "no" },
        ] },
      ],
    };
    const { checks: found, warnings } = checksOf(report);
    expect(found).toEqual([check("03-retry-async", "exact-backoff", 5, "waits"), check("03-retry-async", "same-error", 25, "same")]);
    expect(warnings).toEqual([expect.stringContaining("01-download-files: no checks found"), expect.stringContaining("misses same-error")]);
  });

  test("renders YAML whose grade step and reporter read back as the same runners", () => {
    const runners = runnersOf([check("01-download-files", "one", 3), check("02-enrich-csv", "two", 2)]);
    const steps = stepsOf(parse(renderWorkflow(runners)) as Workflow);
    expect(decodeRunners(steps.find((s) => s.id === "grade")!.env![RUNNERS_ENV]!)).toEqual(runners);
    expect(steps.find((s) => s.uses === REPORTER)!.with).toEqual({ runners: "ex01one,ex02two" });
  });
});

describe("the committed workflow", () => {
  let text: string;
  let workflow: Workflow;
  beforeAll(() => {
    text = readFileSync(WORKFLOW_FILE, "utf8");
    workflow = parse(text) as Workflow;
  });

  test("is up to date with the graders (npm run workflow -- --check)", () => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS"));
    let out = "";
    try {
      out = execFileSync(process.execPath, ["graders/harness/commands/launch.mjs", "tools/classroom.ts", "--check"], { cwd: REPO_ROOT, env: clean, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      const e = error as { stdout: string; stderr: string };
      expect.fail(`${e.stdout}${e.stderr}`);
    }
    expect(out).toContain("is up to date");
  });

  test("has the shape GitHub Classroom reads, on Node 24 and current action majors", () => {
    expect(text.startsWith("# Generated by `npm run workflow`")).toBe(true);
    expect(workflow.name).toBe("Autograding Tests");
    expect(workflow.on).toEqual(["push", "workflow_dispatch", "repository_dispatch"]);
    expect(workflow.permissions).toEqual({ checks: "write", actions: "read", contents: "read" });
    expect(Object.keys(workflow.jobs)).toEqual(["run-autograding-tests"]);
    const job = workflow.jobs["run-autograding-tests"]!;
    expect(job["runs-on"]).toBe("ubuntu-latest");
    expect(job.if).toBe("github.actor != 'github-classroom[bot]'");
    const [checkout, node, install, grade, reporter, upload, uploadHtml, link, ...rest] = job.steps;
    expect(checkout!.uses).toBe("actions/checkout@v6");
    expect(node).toMatchObject({ uses: "actions/setup-node@v6", with: { "node-version": 24, cache: "npm" } });
    expect(install).toMatchObject({ run: "npm ci" });
    expect(grade!.id).toBe("grade");
    expect(reporter!.uses).toBe(REPORTER);
    expect(upload).toMatchObject({ if: "always()", uses: "actions/upload-artifact@v7", with: { path: REPORT_FILE } });
    // v7 uploads one file unzipped (archive: false), so the summary's link opens the page itself.
    expect(uploadHtml).toMatchObject({ id: HTML_STEP_ID, if: "always()", uses: "actions/upload-artifact@v7", with: { path: HTML_FILE, archive: false } });
    expect(link).toMatchObject({ if: `always() && steps.${HTML_STEP_ID}.outputs.artifact-url != ''`, env: { REPORT_URL: `\${{ steps.${HTML_STEP_ID}.outputs.artifact-url }}` } });
    expect(rest).toEqual([]);
  });

  test("one grade step runs the engine once, bounded, writing the log, the summary, the JSON report and the reporter's inputs", () => {
    const grade = stepsOf(workflow).find((s) => s.id === "grade")!;
    expect(grade.run).toBe(
      `node --import tsx graders/harness/commands/cli.ts --verbose --exit-zero --deadline ${GRADE_DEADLINE} --json ${REPORT_FILE} --also html=${HTML_FILE} --also markdown="$GITHUB_STEP_SUMMARY" --also classroom="$GITHUB_OUTPUT"`,
    );
    expect(grade["timeout-minutes"]! * 60).toBeGreaterThan(GRADE_DEADLINE);
    expect(workflow.jobs["run-autograding-tests"]!["timeout-minutes"]).toBeGreaterThan(grade["timeout-minutes"]!);
  });

  test("the reporter reads one <RUNNER>_RESULTS per check, each from the grade step; the runners are every check, points adding up to 100", () => {
    const steps = stepsOf(workflow);
    const runners = decodeRunners(steps.find((s) => s.id === "grade")!.env![RUNNERS_ENV]!);
    const reporter = steps.find((s) => s.uses === REPORTER)!;
    expect(reporter.with).toEqual({ runners: runners.map((r) => r.id).join(",") });
    expect(reporter.env).toEqual(Object.fromEntries(runners.map((r) => [`${r.id.toUpperCase()}_RESULTS`, `\${{ steps.grade.outputs.${r.id} }}`])));
    for (const r of runners) expect(r.id).toMatch(/^[A-Za-z0-9]+$/);
    expect(runners.reduce((sum, r) => sum + r.points, 0)).toBe(EXERCISES.reduce((sum, e) => sum + e.maxScore, 0));
  });
});

/** Runs a command as an Actions `run:` step does: sh -c, the step's env, the files Actions provides. */
function runStep(command: string, cwd: string, env: Record<string, string>, timeoutMinutes: number): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", command], { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), ...env }, ...treeRoot(), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      out += `\n[killed after ${timeoutMinutes} min]`;
      killTree(child);
    }, timeoutMinutes * 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

/** Reads a $GITHUB_OUTPUT file: name=value lines (the grade step writes no multi-line values). */
function readOutputs(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

/** A learner's repository: the exported template with these exercise files. */
function learnerCopy(files: Record<string, string>): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "classroom-")), "repo");
  exportTemplate(dir);
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  for (const [id, file] of Object.entries(files)) cpSync(file, path.join(dir, "exercises", `${id}.ts`));
  return dir;
}

const solution = (id: string) => path.join(REPO_ROOT, "solutions", `${id}.ts`);
const known = (id: string, name: string) => path.join(REPO_ROOT, "fixtures", id, "submissions", `${name}.ts`);
const allSolutions = Object.fromEntries(EXERCISES.map((e) => [e.id, solution(e.id)]));

/** The solutions, the stubs and partial submissions (a known wrong file among solutions, or several). */
const CASES: { name: string; files: Record<string, string> }[] = [
  { name: "solutions", files: allSolutions },
  { name: "stubs", files: {} },
  { name: "01 fixed batches", files: { ...allSolutions, "01-download-files": known("01-download-files", "wrong-fixed-batches") } },
  { name: "02 no backpressure", files: { ...allSolutions, "02-enrich-csv": known("02-enrich-csv", "wrong-unbounded-queue") } },
  { name: "03 linear backoff, 02 batches, 01 stub", files: { "02-enrich-csv": known("02-enrich-csv", "wrong-batches"), "03-retry-async": known("03-retry-async", "wrong-linear-backoff") } },
];

interface CaseRun {
  name: string;
  /** npm test's JSON report, graded on its own. */
  npmTest: GradeReport;
  /** What the grade step wrote to $GITHUB_OUTPUT, and the reporter env the workflow makes of it. */
  reporterEnv: Record<string, string>;
  runners: string;
  log: string;
  /** The HTML report the grade step wrote, and the job summary once the link step ran. */
  html: string;
  summary: string;
}

describe("the workflow's grade step, run locally", () => {
  const runs: CaseRun[] = [];
  const dirs: string[] = [];
  beforeAll(async () => {
    const steps = stepsOf(parse(readFileSync(WORKFLOW_FILE, "utf8")) as Workflow);
    const grade = steps.find((s) => s.id === "grade")!;
    const reporter = steps.find((s) => s.uses === REPORTER)!;
    const link = steps[steps.findIndex((s) => s.id === HTML_STEP_ID) + 1]!;
    for (const c of CASES) {
      const dir = learnerCopy(c.files);
      dirs.push(dir);
      const output = path.join(dir, "..", "github-output");
      const summary = path.join(dir, "..", "step-summary.md");
      writeFileSync(output, "");
      const step = await runStep(grade.run!, dir, { ...grade.env!, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary }, grade["timeout-minutes"]!);
      expect(step.code, `${c.name}: the grade step must exit 0 whatever the score\n${step.out}`).toBe(0);
      const outputs = readOutputs(output);
      // ${{ steps.grade.outputs.X }} → the value the step wrote.
      const reporterEnv = Object.fromEntries(Object.entries(reporter.env!).map(([k, v]) => [k, outputs[/outputs\.(\w+)/.exec(v)![1]!] ?? ""]));
      const html = existsSync(path.join(dir, HTML_FILE)) ? readFileSync(path.join(dir, HTML_FILE), "utf8") : "";
      await runStep(link.run!, dir, { REPORT_URL: "https://github.com/o/r/actions/runs/1/artifacts/2", GITHUB_STEP_SUMMARY: summary }, 1);
      const own = await runStep(`node --import tsx graders/harness/commands/cli.ts --json npm-test.json`, dir, {}, 5);
      runs.push({
        name: c.name,
        npmTest: JSON.parse(readFileSync(path.join(dir, "npm-test.json"), "utf8")) as GradeReport,
        reporterEnv,
        runners: String(reporter.with!.runners),
        log: step.out + own.out,
        html,
        summary: readFileSync(summary, "utf8"),
      });
    }
  }, 600_000);
  afterAll(() => {
    for (const dir of dirs) rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  test("the cases cover full marks, zero and at least three partial scores", () => {
    const scores = runs.map((r) => r.npmTest.score);
    expect(scores[0]).toBe(100);
    expect(scores[1]).toBe(0);
    expect(scores.slice(2).filter((s) => s > 0 && s < 100)).toHaveLength(3);
  });

  test("the reporter's inputs carry exactly npm test's points, check by check (what its Points annotation adds up)", () => {
    for (const r of runs) {
      const results = Object.fromEntries(Object.entries(r.reporterEnv).map(([k, v]) => [k, JSON.parse(Buffer.from(v, "base64").toString("utf8")) as RunnerResult]));
      const fromReporter = Object.values(results).flatMap((res) => res.tests.map((t) => t.score)).reduce((a, b) => a + b, 0);
      const max = Object.values(results).reduce((sum, res) => sum + res.max_score, 0);
      expect(`${r.name}: ${fromReporter}/${max}`).toBe(`${r.name}: ${r.npmTest.score}/${r.npmTest.maxScore}`);
      for (const ex of r.npmTest.exercises) {
        for (const t of ex.tests) {
          const res = results[`EX${ex.id.slice(0, 2)}${t.id.replace(/[^A-Za-z0-9]/g, "").toUpperCase()}_RESULTS`]!;
          expect(`${ex.id}/${t.id} ${res.tests[0]!.score}/${res.max_score} ${res.status}`).toBe(`${ex.id}/${t.id} ${t.points}/${t.maxPoints} ${t.status === "passed" ? "pass" : "fail"}`);
        }
      }
    }
  });

  test("the HTML report is written by the same grade, and the job summary links to its upload", () => {
    for (const r of runs) {
      expect(r.html, r.name).toContain(`<h1>Grade: ${r.npmTest.score}/${r.npmTest.maxScore}</h1>`);
      expect(r.summary, r.name).toContain("(https://github.com/o/r/actions/runs/1/artifacts/2)");
    }
  });

  test("the log lists every check with its verdict, and the message and hint of each failure", () => {
    const partial = runs[2]!;
    const failed = partial.npmTest.exercises.flatMap((e) => e.tests).filter((t) => t.status !== "passed");
    expect(failed.length).toBeGreaterThan(0);
    for (const t of failed) expect(partial.log).toContain(t.message!.split("\n")[0]!.slice(0, 60));
    expect(partial.log).toMatch(/hint: /);
  });

  test.skipIf(!REPORTER_DIR)("the real reporter (CLASSROOM_REPORTER_DIR) announces npm test's points for every case", async () => {
    const main = path.join(REPORTER_DIR!, "dist", "main.js");
    expect(existsSync(main), `${main} (a checkout of ${REPORTER})`).toBe(true);
    for (const r of runs) {
      const { out } = await runStep(`node "${main}"`, REPO_ROOT, { ...r.reporterEnv, INPUT_RUNNERS: r.runners, "INPUT_TOKEN": "unused" }, 2);
      const points = /::notice title=Autograding complete::Points (\d+(?:\.\d+)?)\/(\d+)/.exec(out);
      expect(points, `${r.name}: the reporter's output\n${out.slice(-3000)}`).not.toBeNull();
      expect(`${r.name}: ${points![1]}/${points![2]}`).toBe(`${r.name}: ${r.npmTest.score}/${r.npmTest.maxScore}`);
      // Its log table: each runner's points as "passed tests / tests × max_score" — exact with one check per runner.
      expect(out).toMatch(new RegExp(`Total: +│ +${r.npmTest.score} +│ +${r.npmTest.maxScore}`));
    }
  });
});
