/**
 * Learner paths as Windows writes them, on any OS: what the self-test uses to prove a Windows learner
 * gets the same verdicts (GRADE_PATH_FLAVOR=win32; never set when grading for real).
 *
 * On Windows, a learner's `path.join("/downloads", "a.txt")` is `\downloads\a.txt`, and memfs, which
 * reads `\` as a separator there and drops a drive letter, stores it as `/downloads/a.txt`. To reproduce
 * that elsewhere: the learner's own `path` / `node:path` imports resolve to `path.win32` (a vite plugin that
 * looks at the importer, so the harness keeps the host's `path`), and the in-memory disk reads paths the
 * way memfs does on Windows.
 *
 * Graders stay portable by construction either way: memfs paths are built with `path.posix`, and a path
 * the learner returns is compared with `isDiskPath` (disk.ts), which accepts it in the learner's flavor.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import { pathFlavor } from "../core/contract.ts";


/** The separator of the paths learner code builds: `\` on Windows (or when emulating it), else `/`. */
export function learnerSep(env: NodeJS.ProcessEnv = process.env): string {
  return pathFlavor(env) === "win32" ? "\\" : path.sep;
}

/** A learner's path as memfs stores it on Windows: `\` read as `/`, a drive letter dropped. */
export function unixify(file: string): string {
  return file.replaceAll("\\", "/").replace(/^[a-zA-Z]:(?=\/)/, "");
}

/** The module learner code gets for `path` / `node:path`: path.win32 with every export. */
const WIN32_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), "win32-path.ts");
/** `from "path"`, `from 'node:path'`, `import("path")`, `require("node:path")`. */
const PATH_IMPORT = /(\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)(["'])(?:node:)?path\2/g;

/**
 * Vite plugin: in `learnerFiles`, imports of `path` and `node:path` load path.win32 instead. A rewrite of
 * the import (not a resolveId hook: vitest loads builtins without asking vite), in those files only, so the
 * harness keeps the host's `path`.
 */
export function win32PathForLearner(learnerFiles: readonly string[]): Plugin {
  const learner = new Set(learnerFiles.map((f) => unixify(path.resolve(f))));
  const replacement = JSON.stringify(unixify(WIN32_PATH));
  return {
    name: "grade-win32-path",
    enforce: "pre",
    transform(code, id) {
      if (!learner.has(unixify(id.split("?")[0]!))) return undefined;
      return { code: code.replace(PATH_IMPORT, (_all, head: string) => `${head}${replacement}`), map: null };
    },
  };
}

/** Functions of `fs` / `fs/promises` whose second argument is a path too. */
const TWO_PATHS = new Set(["rename", "copyFile", "link", "symlink", "cp"].flatMap((n) => [n, `${n}Sync`]));

const proxies = new WeakMap<object, object>();

/** `fs` (or `fs.promises`) reading the learner's path arguments as memfs on Windows does. */
export function windowsLikeFs<T extends object>(fs: T): T {
  const known = proxies.get(fs);
  if (known) return known as T;
  const wrapped = new Map<string, unknown>();
  const proxy = new Proxy(fs, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      if (key === "promises" && typeof value === "object" && value !== null) return windowsLikeFs(value);
      // Classes (ReadStream, Stats, Dirent…) stay as they are: `new` and `instanceof` must keep working.
      if (typeof value !== "function" || typeof key !== "string" || /^[A-Z]/.test(key)) return value;
      if (!wrapped.has(key)) {
        const fn = value as (...args: unknown[]) => unknown;
        const paths = TWO_PATHS.has(key) ? 2 : 1;
        wrapped.set(key, (...args: unknown[]) => {
          for (let i = 0; i < paths; i++) if (typeof args[i] === "string") args[i] = unixify(args[i] as string);
          return fn.apply(target, args);
        });
      }
      return wrapped.get(key);
    },
  });
  proxies.set(fs, proxy);
  return proxy;
}
