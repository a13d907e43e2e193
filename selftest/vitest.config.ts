import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** The project's own tests: harness unit tests and the verdicts of every grader (npm run selftest). */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["selftest/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
