/**
 * Defence below the module layer: grader workers run under Node's permission model, so that even a route
 * past the sandbox's doors (doors.ts) meets the operating system's "no":
 *   - read: the course (its graders and node_modules) and the graded files only;
 *   - write: the grade's own temporary folder only (where the workers' progress logs go);
 *   - no child processes, no worker threads, no native addons, no WASI;
 *   - no network on Node 25+ (`--allow-net` exists there and is not given); earlier Nodes have no such switch.
 * The inspector stays allowed: the 02 grader counts calls through an in-process session (learner code
 * still gets a stand-in for node:inspector).
 *
 * Used only where Node has `--permission` and `--allow-inspector` (24 and later): Node 20 and 22 cannot
 * allow the inspector under the permission model (22.23 checked), so workers run without it there
 * (README, "Can I trust the score?").
 *
 * No network at all: on Linux, when the system lets an unprivileged user make namespaces, the engine (and
 * so every worker) runs in a network namespace of its own, whose only interface is a loopback that is down.
 * Elsewhere (macOS, Windows, Linux with user namespaces locked down) this layer is missing.
 *
 * GRADE_PERMISSIONS=off turns both off, to tell a harness bug from a denial.
 */
import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import path from "node:path";

export const PERMISSIONS_ENV = "GRADE_PERMISSIONS";

const enabled = () => process.env[PERMISSIONS_ENV] !== "off";

export interface Access {
  /** Folders or files workers may read (besides the course itself). */
  read: readonly string[];
  /** Folders workers may write to. */
  write: readonly string[];
}

/** Whether this Node can run grader workers under the permission model. */
export function permissionModelAvailable(flags: ReadonlySet<string> = process.allowedNodeEnvironmentFlags): boolean {
  return flags.has("--permission") && flags.has("--allow-inspector") && enabled();
}

/** A path and, when it differs, where it really is (the permission model checks real paths). */
function withRealPath(p: string): string[] {
  const resolved = path.resolve(p);
  try {
    const real = realpathSync.native(resolved);
    return real === resolved ? [resolved] : [resolved, real];
  } catch {
    return [resolved];
  }
}

/** Node options for a grader worker: empty where the permission model is not used. */
export function workerExecArgv(root: string, access: Access): string[] {
  if (!permissionModelAvailable()) return [];
  const read = new Set([root, path.join(root, "node_modules"), ...access.read].flatMap(withRealPath));
  const write = new Set(access.write.flatMap(withRealPath));
  const mode = process.env[PERMISSIONS_ENV] === "audit" ? "--permission-audit" : "--permission";
  return [mode, "--allow-inspector", "--disable-warning=PERM0004", ...[...read].map((p) => `--allow-fs-read=${p}`), ...[...write].map((p) => `--allow-fs-write=${p}`)];
}

const UNSHARE = ["unshare", "--user", "--map-root-user", "--net", "--"];
let namespaceWorks: boolean | undefined;

/**
 * The command prefix that starts a program without network (`unshare … --`), or [] where that is not
 * possible. Probed once per process: `unshare` missing, or user namespaces disabled, gives [].
 */
export function noNetworkPrefix(): string[] {
  if (process.platform !== "linux" || !enabled()) return [];
  namespaceWorks ??= spawnSync(UNSHARE[0]!, [...UNSHARE.slice(1), process.execPath, "-e", ""], { stdio: "ignore", timeout: 10_000 }).status === 0;
  return namespaceWorks ? [...UNSHARE] : [];
}
