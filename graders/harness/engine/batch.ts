/**
 * Batch grading for instructors: every subfolder of a folder is one learner's submission, either the
 * exercise files themselves or a whole learner repository (whose exercises/ is graded). All of them are
 * graded in one isolated engine run with this repository's graders (a learner's own graders are never
 * used), in parallel, each exercise in its own worker: a hostile submission costs only itself.
 * Writes gradebook.csv and one JSON report per learner; for a whole repository, the grading files the
 * learner changed are listed (`modified`), though they were not used.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { EXERCISES } from "../core/exercises.ts";
import { learnerModifiedFiles } from "../core/integrity.ts";
import { GradingTimeout, gradeIsolated } from "./isolated.ts";
import { ungradedReport, type GradeReport } from "../report/report.ts";

export interface Submission {
  /** The subfolder's name: the learner. */
  name: string;
  /** The folder holding the exercise files. */
  target: string;
  /** A whole learner repository (its exercises/ is graded): its root. */
  repository?: string;
}

export function findSubmissions(dir: string): Submission[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder of submissions`);
  return readdirSync(dir)
    .filter((name) => !name.startsWith(".") && statSync(path.join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      const folder = path.resolve(dir, name);
      const repo = path.join(folder, "exercises");
      return existsSync(repo) && statSync(repo).isDirectory() ? { name, target: repo, repository: folder } : { name, target: folder };
    });
}

/** "2/3": the second of three shares (1-based), taking every third submission, so shares stay balanced. */
export function parseShard(spec: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new Error(`--shard takes i/n with 1 <= i <= n, e.g. 1/4; got "${spec}"`);
  return { index, count };
}

export function shard<T>(items: readonly T[], spec?: string): T[] {
  if (!spec) return [...items];
  const { index, count } = parseShard(spec);
  return items.filter((_, i) => i % count === index - 1);
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per learner: points per exercise, total, overall status, then the status of each exercise. */
export function gradebookCsv(rows: readonly { name: string; report: GradeReport }[], header = true): string {
  const ids = EXERCISES.map((e) => e.id);
  const lines = header ? [["learner", ...ids, "total", "max", "status", ...ids.map((id) => `${id} status`), "modified"].join(",")] : [];
  for (const { name, report } of rows) {
    const byId = new Map(report.exercises.map((e) => [e.id, e]));
    const status = report.exercises.some((e) => e.status === "error") ? "error" : report.score === report.maxScore ? "passed" : "failed";
    lines.push(
      [
        name,
        ...ids.map((id) => byId.get(id)?.score ?? 0),
        report.score,
        report.maxScore,
        status,
        ...ids.map((id) => byId.get(id)?.status ?? "error"),
        (report.modified ?? []).join(" "),
      ]
        .map(csvField)
        .join(","),
    );
  }
  return lines.join("\n") + "\n";
}

export interface BatchOptions {
  dir: string;
  shard?: string;
  /** Called as grader files finish: (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** Grades every submission; the deadline grows with the class size. */
export async function gradeBatch(options: BatchOptions): Promise<{ name: string; report: GradeReport }[]> {
  const submissions = shard(findSubmissions(options.dir), options.shard);
  if (!submissions.length) return [];
  const runs = submissions.map((s, i) => ({ label: `${i}:${s.name}`, target: s.target }));
  const deadlineMs = 60_000 + submissions.length * 15_000;
  let reports: GradeReport[];
  try {
    reports = await gradeIsolated(runs, { deadlineMs, onProgress: options.onProgress });
  } catch (error) {
    if (!(error instanceof GradingTimeout)) throw error;
    reports = submissions.map((s) => ungradedReport(s.target, error.message));
  }
  return submissions.map((s, i) => {
    // The course's graders graded it; what is listed is what the learner changed in their copy.
    const { modified: _course, ...report } = reports[i]!;
    const modified = s.repository && existsSync(path.join(s.repository, "graders")) ? learnerModifiedFiles(s.repository) : [];
    return { name: s.name, report: modified.length ? { ...report, modified } : report };
  });
}

/** The report of a target whose grading never finished: every exercise an error with that reason. */
