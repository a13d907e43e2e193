/**
 * The GitHub Classroom workflow: generated from the graders (the committed file must be up to date), in the
 * shape Classroom reads, and proven by running its step commands locally the way
 * autograding-command-grader runs them (sh -c, environment stripped to PATH, HOME and FORCE_COLOR):
 * solutions → every step exits 0 (full marks); stubs → every step fails (0); a check that was removed from
 * its grader fails its step.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { checksOf, partition, planSteps, renderWorkflow, WORKFLOW_FILE, type CheckInfo } from "../../graders/harness/classroom.ts";
import { EXERCISES } from "../../graders/harness/exercises.ts";
import { exportTemplate } from "../../graders/harness/export.ts";
import { REPO_ROOT } from "../../graders/harness/paths.ts";
import type { GradeReport } from "../../graders/harness/report.ts";
import { killTree, treeRoot } from "../../graders/harness/process-tree.ts";

interface WorkflowStep {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number>;
  env?: Record<string, string>;
}
interface Workflow {
  name: string;
  on: unknown;
  permissions: Record<string, string>;
  jobs: Record<string, { "runs-on": string; if: string; steps: WorkflowStep[] }>;
}

const GRADER = "classroom-resources/autograding-command-grader@v1";
const REPORTER = "classroom-resources/autograding-grading-reporter@v1";

function graderSteps(workflow: Workflow): WorkflowStep[] {
  return workflow.jobs["run-autograding-tests"]!.steps.filter((s) => s.uses === GRADER);
}

function checksIn(command: string): string[] {
  return [...command.matchAll(/--check (\S+)/g)].map((m) => m[1]!);
}

describe("planning the steps (unit)", () => {
  const check = (exercise: string, id: string, points: number, name = `does ${id}`): CheckInfo => ({ exercise, id, name, points });
  const checks = [
    ...[5, 5, 5, 5, 5, 5, 5].map((p, i) => check("01-download-files", `d${i}`, p)),
    check("02-enrich-csv", "q1", 6, "AsyncQueue: is FIFO"),
    check("02-enrich-csv", "q2", 6, "AsyncQueue: waits"),
    check("02-enrich-csv", "e1", 8, "enrichCsv: writes lines"),
    check("02-enrich-csv", "e2", 15, "enrichCsv: keeps 3 in flight"),
    ...[10, 10, 10].map((p, i) => check("03-retry-async", `r${i}`, p)),
  ];
  const steps = planSteps(checks);

  test("every check in exactly one step, in order; points add up; about 10 points a step", () => {
    expect(steps.flatMap((s) => s.checks)).toEqual(checks);
    expect(steps.reduce((sum, s) => sum + s.points, 0)).toBe(100);
    expect(steps.length).toBeGreaterThanOrEqual(8);
    expect(steps.length).toBeLessThanOrEqual(15);
    for (const s of steps) expect(s.id).toMatch(/^[A-Za-z0-9]+$/);
    expect(new Set(steps.map((s) => s.id)).size).toBe(steps.length);
  });

  test("a step never mixes exercises or topics; a shared topic is said once", () => {
    for (const s of steps) {
      expect(new Set(s.checks.map((c) => c.exercise)).size).toBe(1);
      expect(new Set(s.checks.map((c) => /^(\w+): /.exec(c.name)?.[1] ?? "")).size).toBe(1);
    }
    const queue = steps.find((s) => s.checks.some((c) => c.id === "q1"))!;
    expect(queue.name).toBe("02 Enrich a CSV through a bounded queue — AsyncQueue: is FIFO; waits");
  });

  test("the command bounds itself and fits in the step's timeout", () => {
    for (const s of steps) {
      expect(s.command).toBe(`node --import tsx graders/harness/cli.ts ${s.checks.map((c) => `--check ${c.exercise}/${c.id}`).join(" ")} --deadline ${s.deadline}`);
      expect(s.timeout * 60).toBeGreaterThan(s.deadline);
    }
  });

  test("partition keeps the largest group small and the order intact", () => {
    const items = [3, 3, 3, 9, 2, 2].map((p, i) => check("03-retry-async", `c${i}`, p));
    expect(partition(items, 3).map((g) => g.map((c) => c.points))).toEqual([[3, 3, 3], [9], [2, 2]]);
    expect(partition(items, 10)).toHaveLength(6);
    expect(partition(items, 0)).toHaveLength(1);
  });

  test("checks come from the report of the graders; an exercise without checks gets a warning, not a step", () => {
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

  test("renders YAML that reads back as the same steps", () => {
    const workflow = parse(renderWorkflow(steps)) as Workflow;
    expect(graderSteps(workflow).map((s) => s.with!["max-score"])).toEqual(steps.map((s) => s.points));
    expect(graderSteps(workflow).map((s) => s.with!["test-name"])).toEqual(steps.map((s) => s.name));
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
      out = execFileSync(process.execPath, ["graders/harness/launch.mjs", "graders/harness/classroom.ts", "--check"], { cwd: REPO_ROOT, env: clean, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      const e = error as { stdout: string; stderr: string };
      expect.fail(`${e.stdout}${e.stderr}`);
    }
    expect(out).toContain("is up to date");
  });

  test("has the shape GitHub Classroom generates and reads", () => {
    expect(text.startsWith("# Generated by `npm run workflow`")).toBe(true);
    expect(workflow.name).toBe("Autograding Tests");
    expect(workflow.on).toEqual(["push", "workflow_dispatch", "repository_dispatch"]);
    expect(workflow.permissions).toEqual({ checks: "write", actions: "read", contents: "read" });
    expect(Object.keys(workflow.jobs)).toEqual(["run-autograding-tests"]);
    const job = workflow.jobs["run-autograding-tests"]!;
    expect(job["runs-on"]).toBe("ubuntu-latest");
    expect(job.if).toBe("github.actor != 'github-classroom[bot]'");
    const [checkout, node, install] = job.steps;
    expect(checkout!.uses).toBe("actions/checkout@v4");
    expect(node).toMatchObject({ uses: "actions/setup-node@v4", with: { "node-version": 20, cache: "npm" } });
    expect(install).toMatchObject({ run: "npm ci" });
    expect(job.steps.filter((s) => s.run?.includes("npm ci"))).toHaveLength(1);
  });

  test("one grader step per group of checks: ids letters and digits, a sentence, a bounded command, points adding up", () => {
    const steps = graderSteps(workflow);
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(steps.length).toBeLessThanOrEqual(15);
    const seen = new Set<string>();
    for (const s of steps) {
      expect(s.id).toMatch(/^[A-Za-z0-9]+$/);
      expect(s.name).toBe(s.with!["test-name"]);
      expect(String(s.with!["test-name"]).length).toBeGreaterThan(20);
      const command = String(s.with!.command);
      expect(command).toMatch(/^node --import tsx graders\/harness\/cli\.ts( --check [0-9]{2}-[a-z-]+\/[a-z0-9-]+)+ --deadline \d+$/);
      const deadline = Number(/--deadline (\d+)$/.exec(command)![1]);
      expect(Number(s.with!.timeout) * 60).toBeGreaterThan(deadline);
      expect(Number.isInteger(s.with!["max-score"])).toBe(true);
      for (const c of checksIn(command)) {
        expect(seen.has(c), `${c} in two steps`).toBe(false);
        seen.add(c);
      }
    }
    const graded = EXERCISES.filter((e) => existsSync(path.join(REPO_ROOT, "graders", `${e.id}.test.ts`)));
    expect(steps.reduce((sum, s) => sum + Number(s.with!["max-score"]), 0)).toBe(graded.reduce((sum, e) => sum + e.maxScore, 0));
    if (graded.length === EXERCISES.length) expect(steps.reduce((sum, s) => sum + Number(s.with!["max-score"]), 0)).toBe(100);
  });

  test("the reporter reads one <ID>_RESULTS per step and lists every id; then the summary and the artifact, always", () => {
    const job = workflow.jobs["run-autograding-tests"]!;
    const steps = graderSteps(workflow);
    const at = job.steps.findIndex((s) => s.uses === REPORTER);
    const reporter = job.steps[at]!;
    expect(at).toBe(job.steps.indexOf(steps.at(-1)!) + 1);
    expect(reporter.env).toEqual(Object.fromEntries(steps.map((s) => [`${s.id!.toUpperCase()}_RESULTS`, `\${{ steps.${s.id}.outputs.result }}`])));
    expect(reporter.with).toEqual({ runners: steps.map((s) => s.id).join(",") });
    const [summary, upload] = job.steps.slice(at + 1);
    expect(summary!.if).toBe("always()");
    expect(summary!.run).toMatch(/^npm run grade -- --format markdown --out "\$GITHUB_STEP_SUMMARY" --json reports\/grade\.json \|\| /);
    expect(upload).toMatchObject({ if: "always()", uses: "actions/upload-artifact@v4", with: { path: "reports/grade.json" } });
  });
});

/** Runs one step's command as autograding-command-grader does: sh -c, stripped environment, its own timeout. */
function runStep(command: string, cwd: string, timeoutMinutes: number): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), FORCE_COLOR: "true" };
    const child = spawn("/bin/sh", ["-c", command], { cwd, env, ...treeRoot(), stdio: ["ignore", "pipe", "pipe"] });
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

/** Runs jobs two at a time. */
async function twoAtATime<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all([lane(), lane()]);
  return results;
}

function learnerCopy(withSolutions: boolean): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "classroom-")), "repo");
  exportTemplate(dir);
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  if (withSolutions) for (const { id } of EXERCISES) cpSync(path.join(REPO_ROOT, "solutions", `${id}.ts`), path.join(dir, "exercises", `${id}.ts`));
  return dir;
}

describe("the workflow's commands, run locally", () => {
  test("solutions: every step passes (full marks); stubs: every step fails (0); a removed check fails its step", async () => {
    const steps = graderSteps(parse(readFileSync(WORKFLOW_FILE, "utf8")) as Workflow);
    const solved = learnerCopy(true);
    const stubs = learnerCopy(false);
    const started = performance.now();
    const runs = await twoAtATime(
      [solved, stubs].flatMap((dir) => steps.map((s) => () => runStep(String(s.with!.command), dir, Number(s.with!.timeout)).then((r) => ({ dir, step: s, ...r })))),
    );
    const score = (dir: string) => runs.filter((r) => r.dir === dir && r.code === 0).reduce((sum, r) => sum + Number(r.step.with!["max-score"]), 0);
    const total = steps.reduce((sum, s) => sum + Number(s.with!["max-score"]), 0);

    for (const r of runs.filter((r) => r.dir === solved)) expect(r.code, `${r.step.id} with the solutions:\n${r.out}`).toBe(0);
    for (const r of runs.filter((r) => r.dir === stubs)) {
      expect(r.code, `${r.step.id} with the stubs:\n${r.out}`).not.toBe(0);
      expect(r.out).toContain("not started yet");
    }
    expect(score(solved)).toBe(total);
    expect(score(stubs)).toBe(0);

    // Remove a check from its grader (rename its id): the step that names it must fail, saying why.
    const step = steps.at(-1)!;
    const [exercise, id] = checksIn(String(step.with!.command))[0]!.split("/") as [string, string];
    const grader = path.join(solved, "graders", `${exercise}.test.ts`);
    const source = readFileSync(grader, "utf8");
    const renamed = source.replace(new RegExp(`check\\(\\s*(["'\`])${id}\\1`), `check("${id}-renamed"`);
    expect(renamed).not.toBe(source);
    writeFileSync(grader, renamed);
    const removed = await runStep(String(step.with!.command), solved, Number(step.with!.timeout));
    expect(removed.code, removed.out).not.toBe(0);
    expect(removed.out).toContain(`✗ ${exercise}/${id}: no such check ran`);
    console.log(`classroom: ${runs.length + 1} step commands in ${Math.round((performance.now() - started) / 1000)} s`);
    for (const dir of [solved, stubs]) rmSync(path.dirname(dir), { recursive: true, force: true });
  }, 400_000);
});
