import { defineConfig } from "vitest/config";
import { GRADING_TEST_CONFIG } from "./graders/harness/engine/config.ts";

/**
 * Grading configuration: the graders in graders/*.test.ts judge the folder chosen at run time
 * (GRADE_TARGET, default exercises/). `npm test` and `npm run grade` run them through
 * graders/harness/commands/cli.ts, which adds the scoreboard, isolation and a time limit.
 */
export default defineConfig({
  test: {
    include: ["graders/*.test.ts"],
    ...GRADING_TEST_CONFIG,
  },
});
