/**
 * Grades, in one vitest run, the reference solutions, the stubs and every known submission, and writes
 * the reports as JSON (argv[2]). Run as a child process by verdicts.test.ts: a vitest run of its own,
 * outside the self-test's vitest worker.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { gradeRuns, type GradeRun } from "../graders/harness/engine.ts";
import { REPO_ROOT } from "../graders/harness/paths.ts";
import { knownSubmissions } from "./known.ts";

const out = process.argv[2];
if (!out) throw new Error("usage: tsx selftest/grade-known.ts <out.json>");
const runs: GradeRun[] = [
  { label: "solutions", target: path.join(REPO_ROOT, "solutions") },
  { label: "stubs", target: path.join(REPO_ROOT, "exercises") },
  ...knownSubmissions().map((s) => ({
    label: `${s.exercise}/${s.name}`,
    target: path.join(REPO_ROOT, "exercises"),
    files: { [s.exercise]: s.file },
    exercises: [s.exercise],
  })),
  // Hostile ones are graded beside the other exercises' reference solutions: those must keep full marks.
  ...knownSubmissions(REPO_ROOT, "hostile").map((s) => ({
    label: `hostile:${s.exercise}/${s.name}`,
    target: path.join(REPO_ROOT, "solutions"),
    files: { [s.exercise]: s.file },
  })),
  { label: "missing-file", target: path.join(REPO_ROOT, "solutions"), files: { "03-retry-async": path.join(REPO_ROOT, "fixtures", "no-such-file.ts") } },
];
const started = performance.now();
const reports = await gradeRuns(runs);
writeFileSync(out, JSON.stringify({ seconds: (performance.now() - started) / 1000, runs: runs.map((r, i) => ({ label: r.label, report: reports[i] })) }, null, 1));
process.exitCode = 0; // vitest marks failing checks with exit code 1; here they are data
