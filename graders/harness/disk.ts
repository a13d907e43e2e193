/**
 * The in-memory disk: `fs`, `node:fs`, `fs/promises` and `node:fs/promises` are routed here by the setup
 * file, in every import style, streams included. A fresh memfs Volume for every check (reusing one with
 * `vol.reset()` lets a closing write stream of the previous check throw EBADF into the next one).
 */
import { Volume, createFsFromVolume, type IFs } from "memfs";

let volume = new Volume();
let fs: IFs = createFsFromVolume(volume);

/** Starts a fresh empty volume (called before every check). */
export function freshDisk(files: Record<string, string | Buffer> = {}): void {
  volume = Volume.fromJSON({});
  fs = createFsFromVolume(volume);
  for (const [file, content] of Object.entries(files)) writeDiskFile(file, content);
}

/** The fs module learner code currently sees. */
export function diskFs(): IFs {
  return fs;
}

export function writeDiskFile(file: string, content: string | Buffer): void {
  const dir = file.slice(0, file.lastIndexOf("/")) || "/";
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, content);
}

export function readDiskFile(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file) as Buffer;
  } catch {
    return undefined;
  }
}

export function diskExists(file: string): boolean {
  return fs.existsSync(file);
}

/** Every file on the volume, path → bytes. */
export function diskFiles(): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir) as string[]) {
      const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
      if (fs.statSync(p).isDirectory()) walk(p);
      else out[p] = fs.readFileSync(p) as Buffer;
    }
  };
  walk("/");
  return out;
}
