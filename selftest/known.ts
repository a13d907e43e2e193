/**
 * Known submissions: fixtures/<exercise>/submissions/<name>.ts, each declaring its verdict on line 1:
 *   // expect: full marks
 *   // expect: fails check-a, check-b        (exactly these checks fail, every other check passes)
 *   // expect: fails all
 * Hostile submissions (fixtures/<exercise>/hostile/<name>.ts: infinite loops, process.exit, syntax
 * errors…) use the same line 1, may add on line 2 a pattern every failure message must match
 *   // message: never finished|not run
 * and are graded next to the reference solutions of the other exercises, which must keep full marks.
 * A submission that leaves requests or timers running after resolving declares, on one of its first
 * lines, the checks whose report must name that leak (see graders/harness/authoring/leaks.ts):
 *   // leaks: check-a, check-b
 * Every other check of every known submission (and of the solutions) must report no leak.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { EXERCISES } from "../graders/harness/core/exercises.ts";
import { REPO_ROOT } from "../graders/harness/core/paths.ts";
import { lf } from "../graders/harness/core/text.ts";

export interface KnownSubmission {
  exercise: string;
  name: string;
  file: string;
  /** hostile-process: aimed at the grading process itself, graded through the CLI only (isolation.test.ts). */
  kind: "submissions" | "hostile" | "hostile-process";
  /** Check ids that must not pass; empty for full marks; "all" for every check. */
  fails: string[] | "all";
  /** For hostile ones: every failure message must match this. */
  message?: RegExp;
  /** Check ids whose report names a leak (sorted); every other check must report none. */
  leaks: string[];
}

export function parseVerdict(firstLine: string): string[] | "all" | undefined {
  const m = /^\/\/\s*expect:\s*(.+?)\s*$/.exec(firstLine);
  if (!m) return undefined;
  if (m[1] === "full marks") return [];
  if (m[1] === "fails all") return "all";
  const fails = /^fails\s+(.+)$/.exec(m[1]!);
  return fails ? fails[1]!.split(",").map((s) => s.trim()).filter(Boolean).sort() : undefined;
}

export function knownSubmissions(root = REPO_ROOT, kind: KnownSubmission["kind"] = "submissions"): KnownSubmission[] {
  const out: KnownSubmission[] = [];
  for (const { id } of EXERCISES) {
    const dir = path.join(root, "fixtures", id, kind);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".ts")).sort()) {
      const file = path.join(dir, name);
      const lines = lf(readFileSync(file, "utf8")).split("\n");
      const [first = "", second = ""] = lines;
      const fails = parseVerdict(first);
      if (!fails) throw new Error(`${path.relative(root, file)}: line 1 must be "// expect: full marks", "// expect: fails all" or "// expect: fails <check ids>"`);
      const message = /^\/\/\s*message:\s*(.+?)\s*$/.exec(second)?.[1];
      const leaks = lines.slice(1, 3).map((line) => /^\/\/\s*leaks:\s*(.+?)\s*$/.exec(line)?.[1]).find(Boolean);
      out.push({
        exercise: id,
        name: name.replace(/\.ts$/, ""),
        file,
        kind,
        fails,
        leaks: leaks ? leaks.split(",").map((s) => s.trim()).filter(Boolean).sort() : [],
        ...(message ? { message: new RegExp(message) } : {}),
      });
    }
  }
  return out;
}
