/**
 * The vitest settings every grading run uses: vitest.config.ts (plain `vitest`, watch mode) and each
 * project the engine creates (one per graded target) share them.
 */
import path from "node:path";
import { REPO_ROOT } from "../core/paths.ts";

export const GRADING_TEST_CONFIG = {
  setupFiles: [path.join(REPO_ROOT, "graders/harness/sandbox/setup.ts")],
  pool: "forks" as const,
  // A check is stopped after 5 s by the harness itself (grader.ts); these are backstops.
  testTimeout: 8_000,
  hookTimeout: 8_000,
  teardownTimeout: 2_000,
  restoreMocks: true,
};
