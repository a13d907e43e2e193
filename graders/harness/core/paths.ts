/**
 * The repository's folders, and paths as a learner is shown them.
 *
 * No node:fs here: grader workers load this module while node:fs is being routed to the in-memory disk,
 * and importing it from here hung every worker (writing files is core/files.ts, for commands).
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

/** Absolute path of the repository root (this file lives in graders/harness/core/). */
export const REPO_ROOT = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");
export const GRADERS_DIR = path.join(REPO_ROOT, "graders");
export const DEFAULT_TARGET = path.join(REPO_ROOT, "exercises");
/** Where `npm test -- --html` and watch mode write the report with pictures (reports/ is git-ignored). */
export const HTML_REPORT = path.join(REPO_ROOT, "reports", "grade.html");

/** The line that tells a learner where the HTML report is: its path, and a link a terminal can open. */
export function htmlReportLine(file = HTML_REPORT): string {
  return `Pictures of your code's timelines: ${displayPath(file)} — open it in a browser (${pathToFileURL(file).href})`;
}

/** A path with forward slashes (vite's module ids, memfs): `C:\\a\\b` → `C:/a/b`. */
export function toPosixPath(file: string): string {
  return file.replaceAll("\\", "/");
}

/** How a path should be shown to a learner: relative to the repo (with `/`) when inside it, else as the OS writes it. */
export function displayPath(file: string, p: path.PlatformPath = path): string {
  const rel = p.relative(REPO_ROOT, file);
  return rel && !rel.startsWith("..") && !p.isAbsolute(rel) ? rel.split(p.sep).join("/") : file;
}

/** A folder as shown to a learner, ending in the separator its own spelling uses (`exercises/`, `C:\\course\\sub\\`). */
export function displayDir(dir: string, p: path.PlatformPath = path): string {
  const shown = displayPath(dir, p);
  const sep = shown.includes("\\") ? "\\" : "/";
  return shown.endsWith(sep) ? shown : shown + sep;
}
