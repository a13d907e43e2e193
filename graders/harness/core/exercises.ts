/**
 * The course catalogue: one entry per exercise, the same basename in every folder
 * (exercises/, solutions/, graders/, fixtures/). Points add up to 100.
 */
export interface ExerciseInfo {
  /** Basename shared by the stub, the solution, the grader and the fixtures folder. */
  readonly id: string;
  /** Short learner-facing title. */
  readonly title: string;
  /** Points the grader's checks must add up to. */
  readonly maxScore: number;
  /** Names the learner's module must export. */
  readonly exports: readonly string[];
  /** The parameters of each exported function, as the exercise's contract names them (`?`: optional). */
  readonly signatures: Readonly<Record<string, readonly string[]>>;
}

export const EXERCISES: readonly ExerciseInfo[] = [
  { id: "01-download-files", title: "Download files, at most N at a time", maxScore: 35, exports: ["downloadFiles"], signatures: { downloadFiles: ["urls", "outputDir", "options?"] } },
  { id: "02-enrich-csv", title: "Enrich a CSV through a bounded queue", maxScore: 35, exports: ["AsyncQueue", "enrichCsv"], signatures: { enrichCsv: ["inputPath", "outputPath", "options"] } },
  { id: "03-retry-async", title: "Retry with exponential backoff", maxScore: 30, exports: ["retryAsync"], signatures: { retryAsync: ["fn", "maxAttempts", "backoffMs"] } },
];

export const MAX_SCORE = EXERCISES.reduce((sum, e) => sum + e.maxScore, 0);

export function findExercise(idOrPrefix: string): ExerciseInfo | undefined {
  const key = idOrPrefix.trim().replace(/\.(test\.)?ts$/, "");
  return (
    EXERCISES.find((e) => e.id === key) ??
    EXERCISES.find((e) => e.id.startsWith(key.padStart(2, "0") + "-")) ??
    EXERCISES.find((e) => e.id.slice(3) === key)
  );
}

/** `graders/03-retry-async.test.ts` → the exercise it grades, or undefined. */
export function exerciseOfGraderFile(file: string): ExerciseInfo | undefined {
  const base = file.split(/[\\/]/).pop() ?? "";
  return EXERCISES.find((e) => base === `${e.id}.test.ts`);
}
