/**
 * The modules learner code gets for builtins, whatever the import style: the setup file's mocks (imports)
 * and doors.ts (require, process.getBuiltinModule) hand out the same ones.
 *   fs, fs/promises         → memfs, whatever volume is current (disk.ts)
 *   http, https, timers     → the CommonJS objects MSW and fake-timers patch in place
 *   timers/promises         → the same, with scheduler.wait on the virtual clock
 *   module                  → createRequire & co. giving these same modules
 *   net, child_process, …   → stand-ins that throw (doors.ts)
 */
import { CLOSED, moduleFacade, standIn } from "./doors.ts";
import { diskFs } from "./disk.ts";
import { builtin, liveModule, timersPromises } from "./live-module.ts";
import { pathFlavor } from "../core/contract.ts";
import { windowsLikeFs } from "./path-flavor.ts";

/** The learner's fs: memfs, reading paths as on Windows when the self-test emulates it (path-flavor.ts). */
const learnerFs = pathFlavor() === "win32" ? () => windowsLikeFs(diskFs()) : diskFs;

/** Every name the real module exports plus memfs's own, so no named import fails to link. */
function names(...objects: object[]): Set<string> {
  return new Set(objects.flatMap((o) => Object.keys(o)));
}

let fsModule: Record<string, unknown> | undefined;
let fsPromisesModule: Record<string, unknown> | undefined;
let nodeModule: Record<string, unknown> | undefined;

export function fsFacade(): Record<string, unknown> {
  return (fsModule ??= liveModule(learnerFs, names(builtin("fs"), diskFs())));
}

export function fsPromisesFacade(): Record<string, unknown> {
  return (fsPromisesModule ??= liveModule(() => learnerFs().promises, names(builtin("fs/promises"), diskFs().promises)));
}

/** What `require("module")` gives learner code (imports of node:module get the same facade from the setup file). */
function moduleModule(): Record<string, unknown> {
  return (nodeModule ??= moduleFacade({ ...builtin("module"), default: builtin("module") }));
}

export function closedModule(name: string): Record<string, unknown> {
  return standIn(name, builtin(name));
}

/** What `require(name)` / `process.getBuiltinModule(name)` gives learner code; undefined: the real module. */
export function learnerBuiltin(name: string): unknown {
  if (name === "fs") return fsFacade().default;
  if (name === "fs/promises") return fsPromisesFacade().default;
  if (name === "http" || name === "https" || name === "timers") return builtin(name);
  if (name === "timers/promises") return timersPromises();
  if (name === "module") return moduleModule().default;
  if (name in CLOSED) return closedModule(name).default;
  return undefined;
}
