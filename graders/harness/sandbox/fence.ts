/**
 * Learner code may import Node's built-ins (the sandbox's, see setup.ts) and its own files, never the
 * grader's: not the harness (it holds the log that decides a verdict, the sandbox's switches), and not the
 * libraries the harness drives (vitest, MSW, memfs, fake-timers), whose instances it shares. A vite plugin
 * of every grading project: an import of those from a learner file, static or dynamic with a computed
 * name, fails with a message saying why. Files the learner's files import count as theirs.
 *
 * Static imports are checked when they resolve (vite's resolveId knows the importer). A dynamic import
 * reaches vite without its importer, so in learner files `import(x)` is rewritten to go through
 * `fencedImport` (installed by the setup file), which checks `x` first.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import { REPO_ROOT, toPosixPath } from "../core/paths.ts";

/** Packages of the harness (matched in the resolved path of a node_modules import). */
const HARNESS_PACKAGES = ["vitest", "@vitest", "vite", "msw", "@mswjs", "memfs", "@sinonjs", "tsx", "@stryker-mutator"];

const GRADERS = toPosixPath(path.join(REPO_ROOT, "graders")) + "/";
/** Harness modules the harness itself puts into learner files (the self-test's Windows `path`, path-flavor.ts). */
const INJECTED = new Set([toPosixPath(path.join(REPO_ROOT, "graders", "harness", "sandbox", "win32-path.ts"))]);

/** Why a resolved module is closed to learner code, or undefined when it is open. */
export function fenced(resolvedId: string): string | undefined {
  const id = toPosixPath(resolvedId.replace(/[?#].*$/, ""));
  if (INJECTED.has(id)) return undefined;
  if (id.startsWith(GRADERS)) return `the grader's own file ${id.slice(GRADERS.length - "graders/".length)}`;
  const pkg = HARNESS_PACKAGES.find((name) => id.includes(`/node_modules/${name}/`));
  return pkg ? `the package ${pkg}, which the grader itself uses` : undefined;
}

/** The global through which learner files' dynamic imports go (a fixed name: calling it is harmless). */
export const FENCED_IMPORT = "__gradeFencedImport";

/** `import(spec)` for a learner file at `from` (a file URL), unless `spec` leads into the grader. */
async function fencedImport(from: string, spec: unknown): Promise<unknown> {
  const s = String(spec);
  const local = /^(\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/]|file:)/.test(s);
  const target = !local ? s : s.startsWith("file:") ? fileURLToPath(s) : path.resolve(path.dirname(fileURLToPath(from)), s);
  const what = local ? fenced(target) : fenced(`/node_modules/${s}/`);
  if (what) throw new Error(fenceMessage(what));
  return import(/* @vite-ignore */ target);
}

/** Makes `fencedImport` reachable from learner files (the setup file calls it). */
export function installFencedImport(): void {
  if (FENCED_IMPORT in globalThis) return;
  Object.defineProperty(globalThis, FENCED_IMPORT, { value: fencedImport, writable: false, configurable: false, enumerable: false });
}

export function fenceMessage(what: string): string {
  return `your code imports ${what}: exercises may import Node's built-ins and their own files, not the grader`;
}

export function fenceLearnerImports(learnerFiles: readonly string[]): Plugin[] {
  const learner = new Set(learnerFiles.map((f) => toPosixPath(path.resolve(f))));
  const isLearner = (id: string) => learner.has(toPosixPath(id.replace(/[?#].*$/, "")));
  const resolving: Plugin = {
    name: "grade-fence",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (!importer || !isLearner(importer)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved) return null;
      const what = fenced(resolved.id);
      if (what) throw new Error(fenceMessage(what));
      // A file the learner's file imports is learner code too (their helpers).
      if (!resolved.external && !resolved.id.includes("/node_modules/") && !resolved.id.startsWith("node:")) learner.add(toPosixPath(resolved.id.replace(/[?#].*$/, "")));
      return resolved;
    },
  };
  const rewriting: Plugin = {
    name: "grade-fence-dynamic-imports",
    // After TypeScript is stripped (`import("x")` in a type is gone), before vite turns imports into its own calls.
    enforce: "post",
    transform(code, id) {
      if (!isLearner(id)) return null;
      return { code: code.replace(/(?<![.\w$])import\s*\(/g, `globalThis.${FENCED_IMPORT}(import.meta.url, `), map: null };
    },
  };
  return [resolving, rewriting];
}
