/** Module facades the setup file installs for `fs` and `fs/promises`: memfs, whatever volume is current. */
import { builtin, liveModule } from "./live-module.ts";
import { diskFs } from "./disk.ts";

/** Every name the real module exports plus memfs's own, so no named import fails to link. */
function names(...objects: object[]): Set<string> {
  return new Set(objects.flatMap((o) => Object.keys(o)));
}

export function fsFacade(): Record<string, unknown> {
  return liveModule(diskFs, names(builtin("fs"), diskFs()));
}

export function fsPromisesFacade(): Record<string, unknown> {
  return liveModule(() => diskFs().promises, names(builtin("fs/promises"), diskFs().promises));
}
