/**
 * Grades, in one vitest run, the reference solutions, the stubs, every known submission and every hostile
 * one, and writes the reports as JSON (argv[2]). Then grades the solutions and the known submissions again
 * in ROUNDS more runs with a shuffled check order (a different seed each time), so verdicts.test.ts can
 * prove that no verdict depends on order or timing. Run as a child process: a vitest run of its own.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { gradeRuns, type GradeRun } from "../graders/harness/engine/engine.ts";
import { REPO_ROOT } from "../graders/harness/core/paths.ts";
import { knownSubmissions } from "./known.ts";

/** Exercises whose known submissions are graded a second time with Windows paths. */
const WINDOWS_PATHS = ["01-download-files", "02-enrich-csv"];

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
  // The learner's `path` as on Windows (`\` separators): 01 and 02 write files, their verdicts must not change.
  // (SELFTEST_WINDOWS_PATHS=0 leaves these out: .ci/run's runs on other Node versions, where they prove nothing new.)
  ...(process.env.SELFTEST_WINDOWS_PATHS === "0" ? [] : [{ label: "win32:solutions", target: path.join(REPO_ROOT, "solutions"), pathFlavor: "win32" as const }]),
  ...knownSubmissions()
    .filter((s) => WINDOWS_PATHS.includes(s.exercise) && process.env.SELFTEST_WINDOWS_PATHS !== "0")
    .map((s): GradeRun => ({
      label: `win32:${s.exercise}/${s.name}`,
      target: path.join(REPO_ROOT, "exercises"),
      files: { [s.exercise]: s.file },
      exercises: [s.exercise],
      pathFlavor: "win32",
    })),
];
const started = performance.now();
const reports = await gradeRuns(runs);
const seconds = (performance.now() - started) / 1000;

/** Extra shuffled rounds (GRADE_ROUNDS, default 2) over the runs that finish fast: not the hostile ones. */
const ROUNDS = Number(process.env.GRADE_ROUNDS ?? 2);
const repeatable = runs.filter((r) => !r.label.startsWith("hostile:") && !r.label.startsWith("win32:") && r.label !== "missing-file");
const rounds: { seed: number; runs: { label: string; report: unknown }[] }[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const seed = 1000 + round * 7919;
  const again = await gradeRuns(repeatable, { shuffleSeed: seed });
  rounds.push({ seed, runs: repeatable.map((r, i) => ({ label: r.label, report: again[i] })) });
}
writeFileSync(out, JSON.stringify({ seconds, runs: runs.map((r, i) => ({ label: r.label, report: reports[i] })), rounds }, null, 1));
process.exitCode = 0; // vitest marks failing checks with exit code 1; here they are data
