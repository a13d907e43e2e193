/**
 * End to end, through the commands learners and CI use: a hostile exercise costs only itself, in
 * bounded time; nothing learner code prints reaches the log as a workflow command; a tampered grader is
 * never trusted.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { gradingFiles, MANIFEST } from "../graders/harness/core/integrity.ts";
import { REPO_ROOT } from "../graders/harness/core/paths.ts";
import type { GradeReport } from "../graders/harness/report/report.ts";
import { knownSubmissions } from "./known.ts";

const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));

/** `npm run grade` in `root` (this repo or a copy), as a process: exit code, output, report, seconds. */
function grade(root: string, args: string[]) {
  const json = path.join(mkdtempSync(path.join(tmpdir(), "report-")), "r.json");
  const started = performance.now();
  const run = spawnSync(process.execPath, ["--import", "tsx", "graders/harness/commands/cli.ts", ...args, "--json", json], { cwd: root, env: clean, encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  const report = JSON.parse(readFileSync(json, "utf8")) as GradeReport;
  return { code: run.status, output: run.stdout + run.stderr, report, seconds };
}

/** A folder with the reference solutions, one exercise replaced by a hostile file. */
function solutionsWith(exercise: string, hostile: string, folder = "hostile"): string {
  const dir = mkdtempSync(path.join(tmpdir(), "hostile-"));
  cpSync(path.join(REPO_ROOT, "solutions"), dir, { recursive: true });
  cpSync(path.join(REPO_ROOT, "fixtures", exercise, folder, `${hostile}.ts`), path.join(dir, `${exercise}.ts`));
  return dir;
}

test("a synchronous infinite loop in 03 costs only 03, names the check, and npm run grade ends within 30 s", () => {
  const { code, report, seconds, output } = grade(REPO_ROOT, ["--target", solutionsWith("03-retry-async", "sync-infinite-loop")]);
  expect(code).toBe(1);
  expect(report.exercises.map((e) => `${e.id} ${e.score}/${e.maxScore} ${e.status}`)).toEqual([
    "01-download-files 35/35 passed",
    "02-enrich-csv 35/35 passed",
    "03-retry-async 0/30 error",
  ]);
  expect(report.exercises[2]!.message).toMatch(/^the check ".+" never finished/);
  expect(output).toContain("never finished");
  expect(output).not.toMatch(/\n\s+at .+\.(ts|js):\d+:\d+/); // no stack trace
  expect(seconds).toBeLessThan(30);
}, 60_000);

test("learner output never reaches the log as a workflow command, and megabytes of it change nothing", () => {
  const { code, report, output, seconds } = grade(REPO_ROOT, ["--target", solutionsWith("03-retry-async", "huge-output")]);
  expect(report.score).toBe(100);
  expect(code).toBe(0);
  expect(output).not.toMatch(/^\s*::/m);
  expect(output).not.toContain("forged");
  expect(output.length).toBeLessThan(20_000);
  expect(seconds).toBeLessThan(30);
}, 60_000);

/** A copy of the repository whose graders a learner has edited, sharing this repo's node_modules. */
function tamperedCopy(edit: (root: string) => void): string {
  const root = mkdtempSync(path.join(tmpdir(), "tampered-"));
  for (const rel of [...gradingFiles(), MANIFEST, "package.json", "tsconfig.json"]) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    cpSync(path.join(REPO_ROOT, rel), path.join(root, rel));
  }
  cpSync(path.join(REPO_ROOT, "solutions"), path.join(root, "exercises"), { recursive: true });
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"));
  edit(root);
  return root;
}

function replaceIn(file: string, from: string, to: string): void {
  const text = readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`${from} not in ${file}`);
  writeFileSync(file, text.replace(from, to));
}

test("a skipped, focused-away or removed check is never counted as passed, and the copy is flagged as modified", () => {
  const skipped = tamperedCopy((root) =>
    replaceIn(path.join(root, "graders/harness/authoring/grader.ts"), "(selected ? test : test.skip)(title", '(selected && checkId !== "zero-backoff" ? test : test.skip)(title'),
  );
  const s = grade(skipped, ["03"]);
  const zero = s.report.exercises[0]!.tests.find((t) => t.id === "zero-backoff")!;
  expect(zero).toMatchObject({ points: 0, status: "error" });
  expect(s.report.score).toBe(29);
  expect(s.report.modified).toEqual(["graders/harness/authoring/grader.ts"]);
  expect(s.output).toContain("⚠ modified tests: graders/harness/authoring/grader.ts");

  const focused = tamperedCopy((root) =>
    replaceIn(path.join(root, "graders/harness/authoring/grader.ts"), "(selected ? test : test.skip)(title", '(checkId === "first-success" ? test.only : test)(title'),
  );
  const f = grade(focused, ["03"]);
  const others = f.report.exercises[0]!.tests.filter((t) => t.id !== "first-success");
  const checksOf03 = readFileSync(path.join(REPO_ROOT, "graders/03-retry-async.test.ts"), "utf8").match(/^check\("/gm)!.length;
  expect(others.length).toBe(checksOf03 - 1);
  for (const t of others) expect(`${t.id} ${t.status} ${t.points}`).toBe(`${t.id} error 0`);
  expect(f.report.score).toBeLessThanOrEqual(3);
  expect(f.report.modified).toEqual(["graders/harness/authoring/grader.ts"]);

  const removed = tamperedCopy((root) =>
    replaceIn(path.join(root, "graders/03-retry-async.test.ts"), 'check("zero-backoff"', 'if (Math.random() < 0) check("zero-backoff"'),
  );
  const r = grade(removed, ["03"]);
  expect(r.report.exercises[0]).toMatchObject({ status: "error", score: 29, maxScore: 30 });
  expect(r.report.exercises[0]!.message).toMatch(/worth 29 points, but exercise 03-retry-async is worth 30/);
  expect(r.code).toBe(1);
}, 180_000);

test("a --check filter that matches no check fails", () => {
  const { code, output } = grade(REPO_ROOT, ["--target", "solutions", "--check", "03-retry-async/no-such-check"]);
  expect(code).toBe(1);
  expect(output).toMatch(/no such check ran/);
}, 60_000);

/** Pids of every process whose command line mentions `marker` (Linux /proc: the engine, its workers). */
function processesWith(marker: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "utf8").includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test.runIf(process.platform === "linux").each(["SIGINT", "SIGTERM"] as const)(
  "%s during npm test stops the engine and every worker at once and removes the grade's temp folder",
  async (signal) => {
    const tmp = mkdtempSync(path.join(tmpdir(), "signal-tmp-"));
    const marker = `GRADE_SIGNAL_TEST=${signal}-${process.pid}`;
    const child = spawn(process.execPath, ["--import", "tsx", "graders/harness/commands/cli.ts", "--target", solutionsWith("03-retry-async", "sync-infinite-loop")], {
      cwd: REPO_ROOT,
      env: { ...clean, TMPDIR: tmp, GRADE_SIGNAL_TEST: `${signal}-${process.pid}` },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code, sig) => resolve(code ?? (sig ? -1 : null))));
    // Wait until the workers are grading (the loop in 03 keeps one busy far longer than this): the engine's
    // temp folder made and three processes up (the type checker the command also starts counts as one only briefly).
    const grading = () => processesWith(marker).length >= 3 && readdirSync(tmp).some((name) => name.startsWith("grade-"));
    for (let i = 0; i < 200 && !grading(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(processesWith(marker).length, "engine and workers started").toBeGreaterThanOrEqual(3);
    expect(readdirSync(tmp).some((name) => name.startsWith("grade-"))).toBe(true);
    const sent = performance.now();
    child.kill(signal);
    expect(await exited).toBe(signal === "SIGINT" ? 130 : 143);
    expect(performance.now() - sent).toBeLessThan(3_000);
    await new Promise((r) => setTimeout(r, 200)); // a killed process is gone once reaped
    expect(processesWith(marker)).toEqual([]);
    expect(readdirSync(tmp).filter((name) => !name.startsWith("tsx-"))).toEqual([]); // tsx keeps its compile cache there
  },
  60_000,
);

/** Aimed at the grading process itself: each is graded through the CLI, beside the other solutions. */
const processHostile = knownSubmissions(REPO_ROOT, "hostile-process");

test.each(processHostile.map((s) => [`${s.exercise}/${s.name}`, s] as const))(
  "%s costs only its own exercise, with a true message, in bounded time",
  (_label, s) => {
    const { report, seconds, output } = grade(REPO_ROOT, ["--target", solutionsWith(s.exercise, s.name, "hostile-process")]);
    const ex = report.exercises.find((e) => e.id === s.exercise)!;
    expect(ex.score).toBe(0);
    expect(s.fails).toBe("all");
    if (s.message) expect(ex.message ?? "").toMatch(s.message);
    expect(output).toMatch(s.message ?? /./);
    for (const other of report.exercises.filter((e) => e.id !== s.exercise)) expect(`${other.id} ${other.score}/${other.maxScore}`).toBe(`${other.id} ${other.maxScore}/${other.maxScore}`);
    expect(seconds).toBeLessThan(60);
  },
  90_000,
);
