/**
 * The in-memory disk: `fs`, `node:fs`, `fs/promises` and `node:fs/promises` are routed here by the setup
 * file, in every import style, streams included. A fresh memfs Volume for every check (reusing one with
 * `vol.reset()` lets a closing write stream of the previous check throw EBADF into the next one).
 */
import type { EventEmitter } from "node:events";
import { createInterface } from "node:readline";
import { Volume, createFsFromVolume, type IFs } from "memfs";
import { learnerSep, unixify } from "./path-flavor.ts";

let volume = likeNode(new Volume());
let fs: IFs = createFsFromVolume(volume);

/**
 * Writes held until the check releases them, as requests are held on gates (network.ts): a check sees what
 * code does while a file is still being written. Every asynchronous way to write a file is held before it
 * completes: fs.promises writeFile / appendFile, their callback forms, a FileHandle's write / writeFile /
 * appendFile, and a write stream's end (its 'finish' waits; the chunks before it go through). Synchronous
 * writes cannot be held: they are finished when they return.
 */
export class HeldWrites {
  readonly writes: { file: string; released: boolean; release(): void }[] = [];

  /** Waits until this write is released. */
  hold(file: unknown): Promise<void> {
    return new Promise<void>((resolve) => {
      const write = {
        file: typeof file === "string" ? file : String(file),
        released: false,
        release: () => {
          write.released = true;
          resolve();
        },
      };
      this.writes.push(write);
    });
  }

  get waiting(): HeldWrite[] {
    return this.writes.filter((w) => !w.released);
  }

  /** Releases every write held now and from now on. */
  releaseAll(): void {
    holding = holding === this ? undefined : holding;
    for (const w of this.waiting) w.release();
  }
}

export type HeldWrite = HeldWrites["writes"][number];

/** The writes being held in the current check, if any. */
let holding: HeldWrites | undefined;

/** The writes the current check holds, if it holds writes. */
export function heldWrites(): HeldWrites | undefined {
  return holding;
}

/** From now until the end of the check, every asynchronous write waits for the check to release it. */
export function holdWrites(): HeldWrites {
  holding = new HeldWrites();
  return holding;
}

/** Paths of the files FileHandles were opened on, by descriptor (a FileHandle writes through its fd). */
const openedPaths = new Map<number, unknown>();

/** Resolves at once, or once the write is released when the check holds writes. */
function heldWrite(file: unknown): Promise<void> | undefined {
  return holding?.hold(typeof file === "number" ? (openedPaths.get(file) ?? `file descriptor ${file}`) : file);
}

/** Starts a fresh empty volume (called before every check). */
export function freshDisk(files: Record<string, string | Buffer> = {}): void {
  holding?.releaseAll();
  holding = undefined;
  openedPaths.clear();
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
  for (const name of ["writeFileSync", "appendFileSync"]) {
    const original = v[name]!;
    v[name] = (file, data, ...rest) => original(file, viewToBuffer(data), ...rest);
  }
  for (const name of ["writeFile", "appendFile"]) {
    const original = v[name]!;
    // The callback form: held like the promise form when the check holds writes (the callback is last).
    v[name] = (file, data, ...rest) => {
      const held = heldWrite(file);
      if (!held) return original(file, viewToBuffer(data), ...rest);
      void held.then(() => original(file, viewToBuffer(data), ...rest));
    };
  }
  const withIterables = (original: AnyFunction, streams = false): AnyFunction => (file, data, options) =>
    isIterableData(data, streams) ? collect(data, options).then((bytes) => original(file, bytes, options)) : original(file, data, options);
  const held = (original: AnyFunction, fileOf: (args: unknown[]) => unknown): AnyFunction => (...args) => {
    const wait = heldWrite(fileOf(args));
    return wait ? wait.then(() => original(...args)) : original(...args);
  };
  const promises = vol.promises as unknown as Record<string, AnyFunction>;
  // (The promise forms, a FileHandle's writeFile / appendFile included, go through the callback forms above,
  // so they are held there: after the data is collected, before the file is written.)
  promises.writeFile = withIterables(promises.writeFile!);
  promises.appendFile = withIterables(promises.appendFile!);
  const createReadStream = v.createReadStream!;
  v.createReadStream = (...args) => withNodeEvents(createReadStream.call(vol, ...args) as EventEmitter);
  const createWriteStream = v.createWriteStream!;
  v.createWriteStream = (file, ...rest) => {
    const stream = withNodeEvents(createWriteStream.call(vol, file, ...rest) as EventEmitter) as unknown as { _final?: (cb: (error?: Error | null) => void) => void };
    const final = stream._final?.bind(stream);
    stream._final = (cb) => {
      const wait = heldWrite(file);
      const finish = () => (final ? final(cb) : cb());
      if (wait) void wait.then(finish);
      else finish();
    };
    return stream;
  };
  const open = promises.open!;
  promises.open = async (...args) => {
    const handle = (await open(...args)) as Record<string, AnyFunction>;
    openedPaths.set((handle as unknown as { fd: number }).fd, args[0]);
    for (const name of ["writeFile", "appendFile"]) {
      const original = handle[name]!.bind(handle);
      // memfs's FileHandle does not even read Node streams: collect those too.
      handle[name] = (data, options) => withIterables((_fd, bytes, opts) => original(bytes, opts), true)(undefined, data, options);
    }
    handle.write = held(handle.write!.bind(handle), () => args[0]);
    // FileHandle.readLines() (Node 18.11+), which memfs lacks: Node's own definition, over the handle's stream.
    handle.readLines ??= (options) => createInterface({ input: handle.createReadStream!(options) as NodeJS.ReadableStream, crlfDelay: Infinity });
    return handle;
  };
  return vol;
}

/**
 * A file stream's events in Node's order, where memfs's differ: 'ready' right after 'open' (Node 9.11+),
 * and 'close' after the 'error' of a stream that could not open its file (Node destroys it).
 */
function withNodeEvents(stream: EventEmitter): EventEmitter {
  const emit = stream.emit.bind(stream);
  let opened = false;
  let ready = false;
  let closed = false;
  stream.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === "ready") ready = true;
    if (event === "close") closed = true;
    const listened = emit(event, ...args);
    if (event === "open") {
      opened = true;
      if (!ready) queueMicrotask(() => !ready && stream.emit("ready"));
    }
    if (event === "error" && !opened) queueMicrotask(() => !closed && stream.emit("close"));
    return listened;
  };
  return stream;
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
