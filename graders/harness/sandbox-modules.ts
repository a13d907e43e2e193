/** Module facades the setup file installs for `fs` and `fs/promises`: memfs, whatever volume is current. */
import { builtin, liveModule } from "./live-module.ts";
import { diskFs } from "./disk.ts";
import { PATH_FLAVOR_ENV, windowsLikeFs } from "./path-flavor.ts";

/** The learner's fs: memfs, reading paths as on Windows when the self-test emulates it (path-flavor.ts). */
const learnerFs = process.env[PATH_FLAVOR_ENV] === "win32" ? () => windowsLikeFs(diskFs()) : diskFs;

/** Every name the real module exports plus memfs's own, so no named import fails to link. */
function names(...objects: object[]): Set<string> {
  return new Set(objects.flatMap((o) => Object.keys(o)));
}

export function fsFacade(): Record<string, unknown> {
  return liveModule(learnerFs, names(builtin("fs"), diskFs()));
}

export function fsPromisesFacade(): Record<string, unknown> {
  return liveModule(() => learnerFs().promises, names(builtin("fs/promises"), diskFs().promises));
}
