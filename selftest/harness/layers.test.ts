import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import { afterAll, expect, test } from "vitest";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";
import { lf } from "../../graders/harness/core/text.ts";
import { LAYER_ROOTS, LAYER_RULES } from "../../tools/layers.ts";
import { README, renderLayout, withLayout } from "../../tools/layout.ts";

/** The rules' violations in the tree at `baseDir`, one line each; and how many modules were looked at. */
async function cruiseLayers(baseDir: string): Promise<{ violations: string[]; modules: number }> {
  const roots = LAYER_ROOTS.filter((root) => existsSync(path.join(baseDir, root)));
  const { output } = await cruise(roots, { baseDir, ruleSet: LAYER_RULES, validate: true, tsPreCompilationDeps: true, doNotFollow: { path: "node_modules" } });
  const { summary, modules } = output as ICruiseResult;
  return {
    violations: summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(" → ")})` : ""}`),
    modules: modules.length,
  };
}

test("the harness keeps its layers: every room imports only the rooms below it, and there is no import cycle", async () => {
  const { violations, modules } = await cruiseLayers(REPO_ROOT);
  expect(violations).toEqual([]);
  // It did look: every harness module, grader, tool, stub and solution.
  expect(modules).toBeGreaterThan(70);
}, 60_000);

const scratch = mkdtempSync(path.join(tmpdir(), "layers-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** One deliberately broken import per rule, in a miniature tree shaped like the course. */
const BROKEN: { from: string; imports: string; rule: string }[] = [
  { from: "graders/harness/report/report.ts", imports: "../authoring/grader.ts", rule: "report-imports-only-core" },
  { from: "graders/harness/core/paths.ts", imports: "../sandbox/doors.ts", rule: "core-imports-only-itself" },
  { from: "graders/harness/sandbox/doors.ts", imports: "../authoring/grader.ts", rule: "sandbox-imports-only-core" },
  { from: "graders/harness/authoring/grader.ts", imports: "../engine/engine.ts", rule: "authoring-imports-only-sandbox-core" },
  { from: "graders/harness/engine/engine.ts", imports: "../commands/cli.ts", rule: "nothing-imports-commands" },
  { from: "graders/harness/engine/isolated.ts", imports: "../authoring/clock.ts", rule: "engine-imports-only-report-sandbox-core" },
  { from: "graders/harness/report/scoreboard.ts", imports: "../help/hint.ts", rule: "nothing-imports-help" },
  { from: "graders/01-download-files.test.ts", imports: "./harness/engine/watchdog.ts", rule: "graders-are-written-with-authoring" },
  { from: "graders/harness/authoring/network.ts", imports: "../../02-enrich-csv.test.ts", rule: "harness-never-imports-graders" },
  { from: "graders/harness/core/exercises.ts", imports: "../../../tools/bench/main.ts", rule: "grading-never-imports-tools" },
  { from: "solutions/03-retry-async.ts", imports: "../graders/harness/core/text.ts", rule: "learner-code-stands-alone" },
  { from: "graders/harness/core/a.ts", imports: "./b.ts", rule: "no-cycles" },
];
/** The other half of the cycle. */
const CLOSES_CYCLE = { from: "graders/harness/core/b.ts", imports: "./a.ts" };

test("each rule catches a deliberately broken import", async () => {
  const files = new Map<string, string[]>();
  for (const { from, imports } of [...BROKEN, CLOSES_CYCLE]) {
    files.set(from, [...(files.get(from) ?? []), imports]);
    files.set(path.posix.normalize(path.posix.join(path.posix.dirname(from), imports)), files.get(path.posix.normalize(path.posix.join(path.posix.dirname(from), imports))) ?? []);
  }
  for (const [file, imports] of files) {
    mkdirSync(path.join(scratch, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(scratch, file), imports.map((i, n) => `import * as m${n} from "${i}";\nexport const x${n} = m${n};\n`).join("") + "export {};\n");
  }
  const found = (await cruiseLayers(scratch)).violations;
  for (const { from, rule } of BROKEN) expect(found.some((v) => v.startsWith(`${rule}: ${from} →`)), `${rule} should catch ${from}:\n${found.join("\n")}`).toBe(true);
  // Every rule is shown able to fail.
  expect(new Set(BROKEN.map((b) => b.rule))).toEqual(new Set(LAYER_RULES.forbidden?.map((r) => r.name)));
}, 60_000);

test("README's layout section is what npm run layout makes from the tree (rooms, modules, their first comments)", () => {
  const readme = readFileSync(README, "utf8");
  expect(withLayout(readme, renderLayout()), "README.md's layout section is stale: run npm run layout").toBe(lf(readme));
});
