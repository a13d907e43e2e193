import { fileURLToPath } from "node:url";
import path from "node:path";

/** Absolute path of the repository root (this file lives in graders/harness/). */
export const REPO_ROOT = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
export const GRADERS_DIR = path.join(REPO_ROOT, "graders");
export const DEFAULT_TARGET = path.join(REPO_ROOT, "exercises");

/** How a path should be shown to a learner: relative to the repo when inside it. */
export function displayPath(file: string): string {
  const rel = path.relative(REPO_ROOT, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel.split(path.sep).join("/") : file;
}
