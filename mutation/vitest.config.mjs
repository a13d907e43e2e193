// Vitest settings for `npm run mutation` only: the graders as the test suite, grading solutions/.
// Stryker runs this from its sandbox (a copy of the repository), so every path is resolved from here.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { GRADING_TEST_CONFIG } from "../graders/harness/engine/config.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export default defineConfig({
  test: {
    root,
    include: ["graders/*.test.ts"],
    ...GRADING_TEST_CONFIG,
    env: { GRADE_TARGET: path.join(root, "solutions") },
  },
});
