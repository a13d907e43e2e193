import { defineConfig } from "vitest/config";

/**
 * Grading configuration: the graders in graders/*.test.ts judge the folder chosen at run time
 * (GRADE_TARGET, default exercises/). `npm test` and `npm run grade` run this through
 * graders/harness/cli.ts, which adds the scoreboard reporter and a time limit.
 */
export default defineConfig({
  test: {
    include: ["graders/*.test.ts"],
    setupFiles: ["graders/harness/setup.ts"],
    pool: "forks",
    testTimeout: 5_000,
    hookTimeout: 5_000,
    teardownTimeout: 2_000,
    restoreMocks: true,
  },
});
