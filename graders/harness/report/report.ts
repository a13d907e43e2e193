/**
 * The one grade report every output is made from (scoreboard, JSON, CI summaries). Built from what
 * vitest observed, reduced to plain data so it can be unit-tested without running vitest.
 */
import { EXERCISES, type ExerciseInfo } from "../core/exercises.ts";
import { neutralizeCommands } from "../core/text.ts";
import type { CheckMeta } from "../core/contract.ts";
import type { Timeline } from "../core/timeline.ts";

export type Status = "passed" | "failed" | "error";

export interface TestReport {
  name: string;
  /** Stable short id of the check (meta.grading.check). */
  id: string;
  points: number;
  maxPoints: number;
  status: Status;
  message?: string;
  /** The first lines the learner's code printed during this check (console), if any. */
  output?: string;
  /**
   * What the function under test left running when it resolved (see leaks.ts), pass or fail. A leak is
   * reported, not charged; in a failed check it is also the last line of `message`.
   */
  leak?: string;
  /** What the check saw happen over time, pass or fail, for pictures (core/timeline.ts). */
  timelines?: Timeline[];
}

export interface ExerciseReport {
  id: string;
  score: number;
  maxScore: number;
  status: Status;
  /** Only for status "error": why the exercise could not be graded. */
  message?: string;
  tests: TestReport[];
}

export interface GradeReport {
  target: string;
  score: number;
  maxScore: number;
  exercises: ExerciseReport[];
  /** Only when the graders differ from the course's manifest: the files that differ (see integrity.ts). */
  modified?: string[];
  /** The learner's own type errors, when they were looked for (npm test, watch): warnings, never points. */
  typeErrors?: TypeWarning[];
}

/** One TypeScript error in a learner's file: `exercises/03-retry-async.ts:12:9 Type 'string' is not …`. */
export interface TypeWarning {
  file: string;
  line: number;
  column: number;
  code: number;
  message: string;
}

/** What vitest observed for one check. */
export interface ObservedCheck {
  name: string;
  meta?: CheckMeta;
  state: "passed" | "failed" | "skipped" | "pending";
  errors: { name?: string; message?: string }[];
  /** What the learner's code printed during the check. */
  output?: string;
  /** What the function under test left running when it resolved. */
  leak?: string;
  timelines?: Timeline[];
}

/** What vitest observed for one grader file. */
export interface ObservedModule {
  /** Path of the grader file, e.g. graders/03-retry-async.test.ts. */
  file: string;
  checks: ObservedCheck[];
  /** Errors outside any check (the grader file failed to collect, an unhandled error, a crash). */
  errors: { name?: string; message?: string }[];
}

const MAX_MESSAGE = 2_000;

/** Names of errors that mean "could not be graded" rather than "graded and wrong". */
const ERROR_NAMES = new Set(["GradingError"]);

export function truncate(text: string, max = MAX_MESSAGE): string {
  return text.length <= max ? text : `${text.slice(0, max - 40)}… (${text.length - max + 40} more characters)`;
}

function checkReport(check: ObservedCheck): TestReport {
  const maxPoints = check.meta?.points ?? 0;
  const leak = check.leak ? truncate(neutralizeCommands(check.leak), 600) : undefined;
  const base = {
    name: check.name,
    id: check.meta?.check ?? check.name,
    maxPoints,
    ...(check.output ? { output: neutralizeCommands(check.output) } : {}),
    ...(leak ? { leak } : {}),
    ...(check.timelines?.length ? { timelines: check.timelines } : {}),
  };
  if (check.state === "passed") return { ...base, points: maxPoints, status: "passed" };
  if (check.state === "failed") {
    const error = check.errors[0] ?? {};
    const status: Status = ERROR_NAMES.has(error.name ?? "") ? "error" : "failed";
    const message = truncate(cleanMessage(error.message ?? "failed"));
    return { ...base, points: 0, status, message: leak ? `${message}\n${leak}` : message };
  }
  return { ...base, points: 0, status: "error", message: `this check did not run (${check.state}); a grade only counts checks that ran` };
}

/** vitest prefixes some messages ("Error: …"); learners need only the sentence. */
function cleanMessage(message: string): string {
  return neutralizeCommands(message.replace(/^(Error|CheckFailure|NotStarted|GradingError): /, "").trim());
}

export function exerciseReport(info: ExerciseInfo, module: ObservedModule | undefined): ExerciseReport {
  if (!module) {
    return { id: info.id, score: 0, maxScore: info.maxScore, status: "error", message: `the grader graders/${info.id}.test.ts did not run`, tests: [] };
  }
  const tests = module.checks.map(checkReport);
  const score = tests.reduce((sum, t) => sum + t.points, 0);
  const declared = tests.reduce((sum, t) => sum + t.maxPoints, 0);
  const report: ExerciseReport = { id: info.id, score, maxScore: info.maxScore, status: "passed", tests };
  const moduleError = module.errors[0];
  if (moduleError) {
    return { ...report, status: "error", message: truncate(cleanMessage(moduleError.message ?? "the grader crashed")) };
  }
  if (declared !== info.maxScore) {
    return { ...report, status: "error", message: `the checks that ran are worth ${declared} points, but exercise ${info.id} is worth ${info.maxScore}: checks are missing or the grader was changed` };
  }
  if (tests.length > 0 && tests.every((t) => t.status === "error")) {
    const first = tests[0]!.message ?? "could not be graded";
    if (tests.every((t) => t.message === first)) return { ...report, status: "error", message: first };
  }
  if (tests.some((t) => t.status !== "passed")) report.status = "failed";
  return report;
}

/** The report for one graded target, over the exercises asked for (all by default). */
export function buildReport(target: string, modules: ObservedModule[], only?: readonly string[]): GradeReport {
  const wanted = EXERCISES.filter((e) => !only?.length || only.includes(e.id));
  const byExercise = new Map<string, ObservedModule>();
  for (const m of modules) {
    const id = EXERCISES.find((e) => m.file.replace(/\\/g, "/").endsWith(`graders/${e.id}.test.ts`))?.id;
    if (id) byExercise.set(id, m);
  }
  const exercises = wanted.map((info) => exerciseReport(info, byExercise.get(info.id)));
  return {
    target,
    score: exercises.reduce((sum, e) => sum + e.score, 0),
    maxScore: exercises.reduce((sum, e) => sum + e.maxScore, 0),
    exercises,
  };
}

/** Exercises that could not be graded (a deadline, an engine ended by learner code): 0 points and `message`. */
export function ungradedReport(target: string, message: string, exercises?: readonly string[]): GradeReport {
  const report = buildReport(target, [], exercises);
  return { ...report, exercises: report.exercises.map((e) => ({ ...e, message })) };
}

export function isNotStarted(exercise: ExerciseReport): boolean {
  return exercise.tests.length > 0 && exercise.tests.every((t) => t.message?.startsWith("not started yet"));
}
