import { defineConfig } from "vitest/config";

/** The project's own tests: harness unit tests and the verdicts of every grader (npm run selftest). */
export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    include: ["selftest/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
