/**
 * The in-memory disk: `fs`, `node:fs`, `fs/promises` and `node:fs/promises` are routed here by the setup
 * file, in every import style, streams included. A fresh memfs Volume for every check (reusing one with
 * `vol.reset()` lets a closing write stream of the previous check throw EBADF into the next one).
 */
import { Volume, createFsFromVolume, type IFs } from "memfs";
import { learnerSep, unixify } from "./path-flavor.ts";

let volume = likeNode(new Volume());
let fs: IFs = createFsFromVolume(volume);

/** Starts a fresh empty volume (called before every check). */
export function freshDisk(files: Record<string, string | Buffer> = {}): void {
  volume = likeNode(Volume.fromJSON({}));
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

/**
 * Whether a path learner code returned names the disk file `file` (a POSIX path, memfs's form). On
 * Windows `path.join("/downloads", "a.txt")` is `\\downloads\\a.txt`, the same file for memfs: both forms
 * are right there. Elsewhere the path must be exactly `file`.
 */
export function isDiskPath(observed: unknown, file: string): boolean {
  if (typeof observed !== "string") return false;
  return (learnerSep() === "\\" ? unixify(observed) : observed) === file;
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

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Node's fs takes more kinds of data than memfs, which writes `String(data)` for what it does not know
 * ("[object ReadableStream]"): every writeFile / appendFile takes a DataView or any typed array, and
 * fs/promises writeFile / appendFile (a FileHandle's too) take any iterable or async iterable, a web
 * ReadableStream such as `response.body` included. Patched on the volume before createFsFromVolume binds
 * its methods; data memfs already handles goes through unchanged.
 */
function likeNode(vol: Volume): Volume {
  const v = vol as unknown as Record<string, AnyFunction>;
  for (const name of ["writeFileSync", "writeFile", "appendFileSync", "appendFile"]) {
    const original = v[name]!;
    v[name] = (file, data, ...rest) => original(file, viewToBuffer(data), ...rest);
  }
  const withIterables = (original: AnyFunction, streams = false): AnyFunction => (file, data, options) =>
    isIterableData(data, streams) ? collect(data, options).then((bytes) => original(file, bytes, options)) : original(file, data, options);
  const promises = vol.promises as unknown as Record<string, AnyFunction>;
  promises.writeFile = withIterables(promises.writeFile!);
  promises.appendFile = withIterables(promises.appendFile!);
  const open = promises.open!;
  promises.open = async (...args) => {
    const handle = (await open(...args)) as Record<string, AnyFunction>;
    for (const name of ["writeFile", "appendFile"]) {
      const original = handle[name]!.bind(handle);
      // memfs's FileHandle does not even read Node streams: collect those too.
      handle[name] = (data, options) => withIterables((_fd, bytes, opts) => original(bytes, opts), true)(undefined, data, options);
    }
    return handle;
  };
  return vol;
}

function viewToBuffer(data: unknown): unknown {
  return ArrayBuffer.isView(data) && !(data instanceof Uint8Array) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : data;
}

/** An iterable Node would write chunk by chunk (not a string or a typed array; a Node stream only if `streams`). */
function isIterableData(data: unknown, streams: boolean): data is AsyncIterable<unknown> | Iterable<unknown> {
  if (typeof data !== "object" || data === null || ArrayBuffer.isView(data)) return false;
  if (!streams && typeof (data as { pipe?: unknown }).pipe === "function") return false;
  return Symbol.asyncIterator in data || Symbol.iterator in data;
}

async function collect(data: AsyncIterable<unknown> | Iterable<unknown>, options: unknown): Promise<Buffer> {
  const encoding = (typeof options === "string" ? options : (options as { encoding?: BufferEncoding } | undefined)?.encoding) ?? "utf8";
  const chunks: Buffer[] = [];
  for await (const chunk of data) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk, encoding as BufferEncoding) : Buffer.from(viewToBuffer(chunk) as Uint8Array));
  }
  return Buffer.concat(chunks);
}
