/**
 * Tamper evidence: which files decide a grade, their hashes, and the notice a modified copy gets.
 *
 * graders/manifest.json lists a SHA-256 for every file that decides a grade: everything
 * under graders/ but the learner's helpers (graders/harness/help/: hints and `try`, which never score) and
 * docs, plus the grading config and the fixtures graders read. Maintainer tools live in tools/, outside it. When a copy differs, every report says so in one
 * visible line, so an instructor sees a "modified tests" label instead of trusting the score.
 * Regenerate with `npm run manifest` after changing a grader; the self-test fails while it is stale.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./paths.ts";
import { lf, listSome } from "./text.ts";

export const MANIFEST = "graders/manifest.json";
/** graders/harness/help/: the learner's helpers (hint, try). Shipped to learners, never deciding a grade. */
const HELP_ROOM = "graders/harness/help";

/** Files that decide a grade, relative to the repo root, sorted. */
export function gradingFiles(root = REPO_ROOT): string[] {
  const out: string[] = [];
  const walk = (rel: string, skip: (name: string) => boolean): void => {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return;
    for (const name of readdirSync(abs).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      if (skip(name) || child === HELP_ROOM) continue;
      if (statSync(path.join(root, child)).isDirectory()) walk(child, skip);
      else out.push(child);
    }
  };
  // (Documentation such as COVERAGE.md decides nothing; nor do the learner's helpers.)
  walk("graders", (name) => name === "manifest.json" || name.endsWith(".md"));
  // What graders read from fixtures/ (not the known submissions, hostile cases or hints, which only the self-test and learners use).
  walk("fixtures", (name) => ["submissions", "hostile", "hostile-process", "hints.md"].includes(name));
  if (existsSync(path.join(root, "vitest.config.ts"))) out.push("vitest.config.ts");
  return out.sort();
}

function digest(file: string): string {
  // Line endings are normalised so a checkout with CRLF is not flagged.
  return createHash("sha256").update(lf(readFileSync(file, "utf8"))).digest("hex");
}

export function computeManifest(root = REPO_ROOT): Record<string, string> {
  return Object.fromEntries(gradingFiles(root).map((rel) => [rel, digest(path.join(root, rel))]));
}

/** Files added, removed or changed against the committed manifest ([] when intact). */
export function modifiedFiles(root = REPO_ROOT): string[] {
  const file = path.join(root, MANIFEST);
  if (!existsSync(file)) return [MANIFEST];
  let expected: Record<string, string>;
  try {
    expected = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  } catch {
    return [MANIFEST];
  }
  const actual = computeManifest(root);
  const names = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...names].filter((name) => expected[name] !== actual[name]).sort();
}

/**
 * A learner repository's grading files that differ from the course's (batch grading, which never uses
 * them): changed, added, or missing among those the template ships. Compared with the course's files,
 * not with the learner's own manifest, which the learner could edit as well.
 */
export function learnerModifiedFiles(learnerRoot: string, courseRoot = REPO_ROOT): string[] {
  const course = computeManifest(courseRoot);
  const learner = computeManifest(learnerRoot);
  const names = new Set([...Object.keys(course), ...Object.keys(learner)]);
  return [...names].filter((name) => course[name] !== learner[name]).sort();
}

export function integrityNotice(modified: readonly string[]): string | undefined {
  if (!modified.length) return undefined;
  return `modified tests: ${listSome(modified, 5)} differ from the course's graders — this score may not be trustworthy`;
}
