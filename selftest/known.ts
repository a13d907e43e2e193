/**
 * Known submissions: fixtures/<exercise>/submissions/<name>.ts, each declaring its verdict on line 1:
 *   // expect: full marks
 *   // expect: fails check-a, check-b        (exactly these checks fail, every other check passes)
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { EXERCISES } from "../graders/harness/exercises.ts";
import { REPO_ROOT } from "../graders/harness/paths.ts";

export interface KnownSubmission {
  exercise: string;
  name: string;
  file: string;
  /** Check ids that must not pass; empty for full marks. */
  fails: string[];
}

export function parseVerdict(firstLine: string): string[] | undefined {
  const m = /^\/\/\s*expect:\s*(.+?)\s*$/.exec(firstLine);
  if (!m) return undefined;
  if (m[1] === "full marks") return [];
  const fails = /^fails\s+(.+)$/.exec(m[1]!);
  return fails ? fails[1]!.split(",").map((s) => s.trim()).filter(Boolean).sort() : undefined;
}

export function knownSubmissions(root = REPO_ROOT): KnownSubmission[] {
  const out: KnownSubmission[] = [];
  for (const { id } of EXERCISES) {
    const dir = path.join(root, "fixtures", id, "submissions");
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".ts")).sort()) {
      const file = path.join(dir, name);
      const fails = parseVerdict(readFileSync(file, "utf8").split("\n")[0] ?? "");
      if (!fails) throw new Error(`${path.relative(root, file)}: line 1 must be "// expect: full marks" or "// expect: fails <check ids>"`);
      out.push({ exercise: id, name: name.replace(/\.ts$/, ""), file, fails });
    }
  }
  return out;
}
