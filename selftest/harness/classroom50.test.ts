/**
 * Classroom 50: `--format classroom50` writes a result.json that validates against the classroom50/result/v1
 * schema's structural rules (selftest/schemas, no network), its score is the JSON report's, and the
 * submission's identity comes from the runner's environment, failing clearly when a part is missing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, test } from "vitest";
import { classroom50Identity, IdentityError, toClassroom50, utcSeconds } from "../../graders/harness/report/classroom50.ts";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";
import type { GradeReport } from "../../graders/harness/report/report.ts";

const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, "selftest", "schemas", "classroom50-result-v1.schema.json"), "utf8")) as object;
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

const RUNNER_ENV = {
  CLASSROOM: "cs101",
  ASSIGNMENT: "async-ts",
  SUBMISSION_TAG: "submit/20261130T170000Z-abc1234",
  USERNAME: "ada",
  COMMIT_URL: "https://github.com/cs101/cs101-async-ts-ada/commit/abc1234",
  RELEASE_URL: "https://github.com/cs101/cs101-async-ts-ada/releases/tag/submit%2F20261130T170000Z-abc1234",
  GITHUB_ACTOR: "ada",
  GITHUB_ACTOR_ID: "4242",
};

const report: GradeReport = {
  target: "/t",
  score: 7,
  maxScore: 100,
  exercises: [
    { id: "01-download-files", score: 0, maxScore: 35, status: "error", message: "01-download-files.ts does not load", tests: [] },
    { id: "02-enrich-csv", score: 0, maxScore: 35, status: "failed", tests: [{ name: "AsyncQueue: FIFO", id: "queue-fifo", points: 0, maxPoints: 35, status: "failed", message: "observed…\nhint: …" }] },
    { id: "03-retry-async", score: 7, maxScore: 30, status: "failed", tests: [
      { name: "waits 100, 200, 400 ms", id: "exact-backoff", points: 7, maxPoints: 7, status: "passed", leak: "⚠ leak: …" },
      { name: "rejects at once", id: "no-final-wait", points: 0, maxPoints: 23, status: "failed", message: "no" },
    ] },
  ],
  modified: ["graders/03-retry-async.test.ts"],
};

function schemaErrors(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe("the result document", () => {
  const identity = classroom50Identity(RUNNER_ENV, REPO_ROOT);
  const doc = toClassroom50(report, identity, new Date("2026-11-30T17:05:06.789Z"));

  test("validates against the result-v1 structural rules, with the score of the report and consistent per-test points", () => {
    expect(schemaErrors(doc)).toEqual([]);
    expect([doc.score, doc["max-score"]]).toEqual([7, 100]);
    expect(doc.tests.reduce((s, t) => s + t.score, 0)).toBe(doc.score);
    expect(doc.tests.reduce((s, t) => s + t["max-score"], 0)).toBe(doc["max-score"]);
    for (const t of doc.tests) expect(t.score).toBeLessThanOrEqual(t["max-score"]);
    expect(doc.graded_at).toBe("2026-11-30T17:05:06Z");
  });

  test("one test per check; an exercise that could not be graded keeps its points visible; modified graders are a 0-point test", () => {
    expect(doc.tests.map((t) => [t["test-name"], t.passed, t.score, t["max-score"]])).toEqual([
      ["01-download-files: grading the exercise", false, 0, 35],
      ["02-enrich-csv: AsyncQueue: FIFO", false, 0, 35],
      ["03-retry-async: waits 100, 200, 400 ms", true, 7, 7],
      ["03-retry-async: rejects at once", false, 0, 23],
      ["course graders unmodified", false, 0, 0],
    ]);
    expect(doc.tests[1]).toMatchObject({ exercise: "02-enrich-csv", check: "queue-fifo", message: "observed…\nhint: …" });
    expect(doc.tests[2]).toMatchObject({ leak: "⚠ leak: …" });
  });

  test("the validator is real: it rejects what the schema forbids", () => {
    expect(schemaErrors({ ...doc, extra: 1 })).not.toEqual([]);
    expect(schemaErrors({ ...doc, score: 7.5 })).not.toEqual([]);
    expect(schemaErrors({ ...doc, submission: "v1" })).not.toEqual([]);
    expect(schemaErrors({ ...doc, datetime: "2026-11-30 17:05" })).not.toEqual([]);
    expect(schemaErrors({ ...doc, tests: [{ "test-name": "x", passed: true, score: 1 }] })).not.toEqual([]);
  });
});

describe("the identity", () => {
  test("from the runner's environment; REVIEW_URL defaults to COMMIT_URL, MODE to individual; the pusher is submitted_by", () => {
    const id = classroom50Identity({ ...RUNNER_ENV, OWNER: "ignored" }, REPO_ROOT, { date: new Date("2026-01-02T03:04:05.999Z") });
    expect(id).toEqual({
      classroom: "cs101",
      assignment: "async-ts",
      assignment_type: "individual",
      owner: "ada",
      submission: RUNNER_ENV.SUBMISSION_TAG,
      commit: RUNNER_ENV.COMMIT_URL,
      release: RUNNER_ENV.RELEASE_URL,
      review: RUNNER_ENV.COMMIT_URL,
      datetime: "2026-01-02T03:04:05Z",
      submitted_by: { username: "ada", id: 4242 },
    });
    expect(classroom50Identity({ ...RUNNER_ENV, MODE: "group", REVIEW_URL: "r" }, REPO_ROOT).assignment_type).toBe("group");
    expect(() => classroom50Identity({ ...RUNNER_ENV, MODE: "team" }, REPO_ROOT)).toThrow(/MODE must be/);
  });

  test("datetime is the checked-out commit's committer date, in UTC", () => {
    const seconds = execFileSync("git", ["log", "-1", "--format=%ct"], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
    expect(classroom50Identity(RUNNER_ENV, path.join(REPO_ROOT, "exercises")).datetime).toBe(utcSeconds(new Date(Number(seconds) * 1000)));
  });

  test("a missing part is named, with the way to a dry run; --classroom50-local fills placeholders", () => {
    const { CLASSROOM: _c, USERNAME: _u, ...partial } = RUNNER_ENV;
    expect(() => classroom50Identity(partial, REPO_ROOT)).toThrow(IdentityError);
    expect(() => classroom50Identity(partial, REPO_ROOT)).toThrow(/identity missing: CLASSROOM, USERNAME or OWNER\. .*--classroom50-local/);
    const notGit = mkdtempSync(path.join(tmpdir(), "c50-"));
    expect(() => classroom50Identity(RUNNER_ENV, notGit)).toThrow(/a git commit in .* \(its committer date is the submission time\)/);
    const local = classroom50Identity({}, notGit, { local: true });
    expect(schemaErrors(toClassroom50(report, local))).toEqual([]);
    rmSync(notGit, { recursive: true, force: true });
  });
});

describe("npm run grade -- --format classroom50 --out result.json", () => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS" && k !== "MODE" && !(k in RUNNER_ENV)));
  const grade = (args: string[], env: NodeJS.ProcessEnv) => {
    try {
      return { code: 0, out: execFileSync(process.execPath, ["--import", "tsx", "graders/harness/commands/cli.ts", ...args], { cwd: REPO_ROOT, env: { ...clean, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
    } catch (error) {
      const e = error as { status: number; stdout: string; stderr: string };
      return { code: e.status, out: e.stdout + e.stderr };
    }
  };

  test("writes a valid document whose score is the JSON report's; --exit-zero: 0 whatever the score", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "c50-"));
    const out = path.join(dir, "result.json");
    const json = path.join(dir, "report.json");
    const { code } = grade(["--target", "exercises", "--format", "classroom50", "--out", out, "--json", json, "--exit-zero"], RUNNER_ENV);
    expect(code).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8")) as { score: number; "max-score": number };
    const own = JSON.parse(readFileSync(json, "utf8")) as GradeReport;
    expect(schemaErrors(doc)).toEqual([]);
    expect([doc.score, doc["max-score"]]).toEqual([own.score, own.maxScore]);
    rmSync(dir, { recursive: true, force: true });
  });

  test("without the runner's environment it fails at once, before grading, naming what is missing", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "c50-"));
    const { code, out } = grade(["--format", "classroom50", "--out", path.join(dir, "result.json")], {});
    expect(code).toBe(2);
    expect(out).toMatch(/Classroom 50 identity missing: CLASSROOM, ASSIGNMENT, SUBMISSION_TAG, USERNAME or OWNER, COMMIT_URL, RELEASE_URL/);
    expect(existsSync(path.join(dir, "result.json"))).toBe(false);
    expect(out).not.toContain("Total "); // no grade ran
    rmSync(dir, { recursive: true, force: true });
  });
});
