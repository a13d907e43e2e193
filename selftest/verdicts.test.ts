/**
 * Proves every grader right: the reference solutions get full marks, the stubs get 0 with the
 * "not started" message on every check, and every known submission gets exactly its declared verdict.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { EXERCISES } from "../graders/harness/exercises.ts";
import { REPO_ROOT } from "../graders/harness/paths.ts";
import type { GradeReport } from "../graders/harness/report.ts";
import { knownSubmissions } from "./known.ts";

const submissions = knownSubmissions();
let reports: Map<string, GradeReport>;

/** Runs a repository script with tsx in a clean child process (not inside this vitest worker). */
export function runTsx(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS"));
  return execFileSync(process.execPath, ["--import", "tsx", ...args], { cwd: REPO_ROOT, env: { ...clean, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

beforeAll(() => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "selftest-")), "known.json");
  runTsx(["selftest/grade-known.ts", out]);
  const data = JSON.parse(readFileSync(out, "utf8")) as { runs: { label: string; report: GradeReport }[] };
  reports = new Map(data.runs.map((r) => [r.label, r.report]));
});

describe("reference solutions", () => {
  test.each(EXERCISES.map((e) => e.id))("%s gets full marks", (id) => {
    const ex = reports.get("solutions")!.exercises.find((e) => e.id === id)!;
    const missed = ex.tests.filter((t) => t.status !== "passed").map((t) => `${t.id}: ${t.message}`);
    expect(missed, `solutions/${id}.ts missed checks`).toEqual([]);
    expect(ex.score).toBe(ex.maxScore);
    expect(ex.status).toBe("passed");
  });
});

describe("stubs", () => {
  test.each(EXERCISES.map((e) => e.id))("%s scores 0, every check saying 'not started yet'", (id) => {
    const ex = reports.get("stubs")!.exercises.find((e) => e.id === id)!;
    expect(ex.tests.length).toBeGreaterThan(0);
    expect(ex.score).toBe(0);
    for (const t of ex.tests) expect(`${t.id}: ${t.status} ${t.message}`).toBe(`${t.id}: failed not started yet — open exercises/${id}.ts`);
  });
});

describe("known submissions", () => {
  test("each exercise has at least 3 correct and 8 wrong known submissions", () => {
    for (const { id } of EXERCISES) {
      const mine = submissions.filter((s) => s.exercise === id);
      expect(mine.filter((s) => s.fails.length === 0).length, id).toBeGreaterThanOrEqual(3);
      expect(mine.filter((s) => s.fails.length > 0).length, id).toBeGreaterThanOrEqual(8);
    }
  });

  test.each(submissions.map((s) => [`${s.exercise}/${s.name}`, s] as const))("%s gets its declared verdict", (label, s) => {
    const ex = reports.get(label)!.exercises.find((e) => e.id === s.exercise)!;
    const known = new Set(ex.tests.map((t) => t.id));
    for (const id of s.fails) expect(known.has(id), `declared check id "${id}" does not exist in ${s.exercise}`).toBe(true);
    const failed = ex.tests.filter((t) => t.status !== "passed").map((t) => t.id).sort();
    const detail = ex.tests.filter((t) => t.status !== "passed").map((t) => `${t.id}: ${t.message}`).join("\n");
    expect(failed, `verdict of ${label}\n${detail}`).toEqual(s.fails);
    if (s.fails.length === 0) expect(ex.score).toBe(ex.maxScore);
  });
});
