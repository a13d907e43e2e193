/**
 * The learner's own type errors, as warnings next to the score: they never cost a point (the graders judge
 * what the code does), but a learner who only runs `npm test` should still see them.
 *
 * TypeScript's native compiler (the `typescript-native` package: TypeScript 7, about 0.3 s for the three
 * files) checks the graded files only, so the graders and the self-test never show up in the list, while the
 * grade runs. The options are the course's tsconfig.json's, but modules are read as the runtime (tsx, vite)
 * reads them: ESM whatever the nearest package.json says, relative imports with or without an extension, so
 * a learner's folder outside the course is not flagged for lacking `"type": "module"`.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { EXERCISES } from "../core/exercises.ts";
import { REPO_ROOT, displayPath } from "../core/paths.ts";
import type { TypeWarning } from "../report/report.ts";
import { killTree, treeRoot } from "./process-tree.ts";
import { onShutdown } from "./shutdown.ts";

/** A type check still running after this long is given up: a warning must never hold up a grade. */
const LIMIT_MS = 20_000;

const OPTIONS = [
  "--ignoreConfig",
  "--noEmit",
  "--pretty", "false",
  "--strict",
  "--target", "ES2022",
  "--module", "ESNext",
  "--moduleResolution", "bundler",
  "--allowImportingTsExtensions",
  "--isolatedModules",
  "--lib", "es2023",
  "--types", "node",
  "--typeRoots", path.join(REPO_ROOT, "node_modules", "@types"),
  "--skipLibCheck",
];

/** `file(line,col): error TS2322: message`, continuation lines indented. */
export function parseDiagnostics(output: string, cwd: string): TypeWarning[] {
  const out: TypeWarning[] = [];
  for (const line of output.replace(/\r\n?/g, "\n").split("\n")) {
    const m = /^(.+?)\((\d+),(\d+)\): error TS(\d+): (.*)$/.exec(line);
    if (m) out.push({ file: displayPath(path.resolve(cwd, m[1]!)), line: Number(m[2]), column: Number(m[3]), code: Number(m[4]), message: m[5]! });
    else if (/^\s+\S/.test(line) && out.length) out.at(-1)!.message += ` ${line.trim()}`;
  }
  return out;
}

/**
 * How to start the compiler: its native executable (@typescript/typescript-<os>-<arch>/lib/tsc[.exe], the
 * one typescript-native's own bin/tsc would start), which spares a Node start per check; else that bin/tsc.
 */
export function compilerCommand(platform: NodeJS.Platform = process.platform, arch: string = process.arch): { command: string; args: string[] } | undefined {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve("typescript-native/package.json");
  } catch {
    return undefined;
  }
  try {
    const native = createRequire(pkg).resolve(`@typescript/typescript-${platform}-${arch}/package.json`);
    const exe = path.join(path.dirname(native), "lib", platform === "win32" ? "tsc.exe" : "tsc");
    if (existsSync(exe)) return { command: exe, args: [] };
  } catch {
    // no native package for this platform: the wrapper says why, if it can
  }
  return { command: process.execPath, args: [path.join(path.dirname(pkg), "bin", "tsc")] };
}

export class TypeChecker {
  private readonly running = new Set<ReturnType<typeof spawn>>();

  /** The type errors in `files`; [] if the compiler is missing, fails or takes too long. */
  check(files: readonly string[]): Promise<TypeWarning[]> {
    const tsc = compilerCommand();
    if (!tsc || !files.length) return Promise.resolve([]);
    return new Promise((resolve) => {
      const child = spawn(tsc.command, [...tsc.args, ...OPTIONS, ...files], { cwd: REPO_ROOT, ...treeRoot(), stdio: ["ignore", "pipe", "pipe"] });
      this.running.add(child);
      // Ctrl-C or SIGTERM on the command stops the compiler too (it runs in a process group of its own).
      const cancelShutdown = onShutdown(() => killTree(child));
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      const timer = setTimeout(() => killTree(child), LIMIT_MS);
      const done = (warnings: TypeWarning[]) => {
        clearTimeout(timer);
        cancelShutdown();
        this.running.delete(child);
        resolve(warnings);
      };
      child.on("error", () => done([]));
      child.on("close", (code) => done(code === 0 || code === 1 || code === 2 ? parseDiagnostics(output, REPO_ROOT) : []));
    });
  }

  /** The type errors in the graded files of `target` that exist: the exercises asked for (default: all). */
  checkTarget(target: string, exercises: readonly string[]): Promise<TypeWarning[]> {
    const ids = exercises.length ? exercises : EXERCISES.map((e) => e.id);
    return this.check(ids.map((id) => path.resolve(target, `${id}.ts`)).filter((file) => existsSync(file)));
  }

  /** Stops a check still running. */
  close(): void {
    for (const child of this.running) killTree(child);
  }
}
