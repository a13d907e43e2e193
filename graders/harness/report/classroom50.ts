/**
 * Classroom 50 (foundation50/classroom50): its runner execs an `autograder.py` in the learner's checkout
 * and reads `./result.json` in the `classroom50/result/v1` format (schemas/result-v1.schema.json there):
 * the submission's identity, integer `score` / `max-score`, and `tests[]` of
 * `{ "test-name", passed, score, "max-score" }` (extra fields allowed in a test, none at the top level).
 *
 * The identity comes from the environment the runner sets. A missing variable is an error that names it,
 * unless a dry run asks for placeholders (`--classroom50-local`).
 */
import { execFileSync } from "node:child_process";
import type { GradeReport } from "./report.ts";

export const RESULT_SCHEMA = "classroom50/result/v1";

export interface Classroom50Identity {
  classroom: string;
  assignment: string;
  assignment_type: "individual" | "group";
  owner: string;
  submission: string;
  commit: string;
  release: string;
  review: string;
  /** The graded commit's committer date, UTC, YYYY-MM-DDTHH:MM:SSZ. */
  datetime: string;
  submitted_by?: { username: string; id: number | null };
}

export class IdentityError extends Error {}

/** 2026-11-30T17:03:31.123Z → 2026-11-30T17:03:31Z */
export function utcSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The committer date of HEAD in `dir`, or undefined when `dir` is not a git checkout. */
export function committerDate(dir: string): Date | undefined {
  try {
    const seconds = execFileSync("git", ["log", "-1", "--format=%ct", "HEAD"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return /^\d+$/.test(seconds) ? new Date(Number(seconds) * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The submission's identity from the runner's environment: CLASSROOM, ASSIGNMENT, SUBMISSION_TAG,
 * USERNAME (or OWNER), COMMIT_URL, RELEASE_URL, REVIEW_URL (default: COMMIT_URL), MODE (default
 * individual), GITHUB_ACTOR / GITHUB_ACTOR_ID; the date from the checkout's HEAD commit.
 */
export function classroom50Identity(env: NodeJS.ProcessEnv, checkout: string, options: { local?: boolean; date?: Date } = {}): Classroom50Identity {
  const missing: string[] = [];
  const get = (names: string[], placeholder: string): string => {
    const value = names.map((n) => env[n]?.trim()).find(Boolean);
    if (value) return value;
    if (!options.local) missing.push(names.join(" or "));
    return placeholder;
  };
  const classroom = get(["CLASSROOM"], "local-classroom");
  const assignment = get(["ASSIGNMENT"], "local-assignment");
  const submission = get(["SUBMISSION_TAG"], "submit/local");
  const owner = get(["USERNAME", "OWNER"], "local-learner");
  const commit = get(["COMMIT_URL"], "local:commit");
  const release = get(["RELEASE_URL"], "local:release");
  const review = env.REVIEW_URL?.trim() || commit;
  const mode = env.MODE?.trim() || "individual";
  if (mode !== "individual" && mode !== "group") throw new IdentityError(`MODE must be "individual" or "group"; got "${mode}"`);
  const date = options.date ?? committerDate(checkout) ?? (options.local ? new Date() : undefined);
  if (!date) missing.push(`a git commit in ${checkout} (its committer date is the submission time)`);
  if (missing.length) {
    throw new IdentityError(
      `Classroom 50 identity missing: ${missing.join(", ")}. The Classroom 50 runner sets these; for a dry run add --classroom50-local (placeholders).`,
    );
  }
  const actor = env.GITHUB_ACTOR?.trim();
  const actorId = env.GITHUB_ACTOR_ID?.trim();
  return {
    classroom,
    assignment,
    assignment_type: mode,
    owner,
    submission,
    commit,
    release,
    review,
    datetime: utcSeconds(date!),
    ...(actor ? { submitted_by: { username: actor, id: actorId && /^\d+$/.test(actorId) ? Number(actorId) : null } } : {}),
  };
}

export interface Classroom50Test {
  "test-name": string;
  passed: boolean;
  score: number;
  "max-score": number;
  [extra: string]: unknown;
}

export interface Classroom50Result extends Classroom50Identity {
  schema: typeof RESULT_SCHEMA;
  graded_at: string;
  score: number;
  "max-score": number;
  tests: Classroom50Test[];
}

/**
 * One test per check (an exercise that could not be graded: one test holding its points), and, when
 * the learner's graders differ from the course's, a test worth 0 points that says which files.
 */
export function toClassroom50(report: GradeReport, identity: Classroom50Identity, now = new Date()): Classroom50Result {
  const tests: Classroom50Test[] = [];
  for (const ex of report.exercises) {
    for (const t of ex.tests) {
      tests.push({ "test-name": `${ex.id}: ${t.name}`, passed: t.status === "passed", score: t.points, "max-score": t.maxPoints, exercise: ex.id, check: t.id, ...(t.message ? { message: t.message } : {}), ...(t.leak ? { leak: t.leak } : {}) });
    }
    const declared = ex.tests.reduce((sum, t) => sum + t.maxPoints, 0);
    if (declared < ex.maxScore) {
      tests.push({ "test-name": `${ex.id}: grading the exercise`, passed: false, score: 0, "max-score": ex.maxScore - declared, exercise: ex.id, message: ex.message ?? "these points belong to checks that did not run" });
    }
  }
  if (report.modified?.length) {
    tests.push({ "test-name": "course graders unmodified", passed: false, score: 0, "max-score": 0, message: `modified: ${report.modified.join(", ")}` });
  }
  return {
    schema: RESULT_SCHEMA,
    ...identity,
    graded_at: utcSeconds(now),
    score: report.score,
    "max-score": report.maxScore,
    tests,
  };
}
