/** Reference solution for exercise 02 — see exercises/02-enrich-csv.ts for the contract. */
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";

export class AsyncQueue<T> {
  readonly #maxSize: number;
  readonly #items: T[] = [];
  /** Getters waiting for an item, oldest first. */
  readonly #getters: ((item: T) => void)[] = [];
  /** Putters waiting for room, oldest first. */
  readonly #putters: { item: T; resolve: () => void }[] = [];
  readonly #joiners: (() => void)[] = [];
  #unfinished = 0;

  constructor(maxSize = 0) {
    if (!Number.isInteger(maxSize) || maxSize < 0) {
      throw new RangeError(`maxSize must be a non-negative integer, got ${maxSize}`);
    }
    this.#maxSize = maxSize;
  }

  get size(): number {
    return this.#items.length;
  }

  put(item: T): Promise<void> {
    if (this.#maxSize > 0 && this.#items.length >= this.#maxSize) {
      return new Promise((resolve) => this.#putters.push({ item, resolve }));
    }
    this.#enqueue(item);
    return Promise.resolve();
  }

  get(): Promise<T> {
    if (this.#items.length === 0) return new Promise((resolve) => this.#getters.push(resolve));
    const item = this.#items.shift() as T;
    const putter = this.#putters.shift();
    if (putter) {
      this.#enqueue(putter.item);
      putter.resolve();
    }
    return Promise.resolve(item);
  }

  taskDone(): void {
    if (this.#unfinished === 0) throw new Error("taskDone() called more times than items were put");
    this.#unfinished--;
    if (this.#unfinished === 0) this.#joiners.splice(0).forEach((resolve) => resolve());
  }

  join(): Promise<void> {
    if (this.#unfinished === 0) return Promise.resolve();
    return new Promise((resolve) => this.#joiners.push(resolve));
  }

  /** Hands the item to the oldest waiting getter, or stores it. */
  #enqueue(item: T): void {
    this.#unfinished++;
    const getter = this.#getters.shift();
    if (getter) getter(item);
    else this.#items.push(item);
  }
}

export interface EnrichOptions {
  apiUrl: string;
  workers?: number;
  queueSize?: number;
}

export interface EnrichReport {
  read: number;
  written: number;
  failed: { id: string; reason: string }[];
}

type Row = Record<string, string>;

/** Put once per worker after the last row: "no more rows, stop". */
const DONE = Symbol("done");

export async function enrichCsv(inputPath: string, outputPath: string, options: EnrichOptions): Promise<EnrichReport> {
  const { apiUrl, workers = 3, queueSize = 10 } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  if (!Number.isInteger(queueSize) || queueSize < 1) throw new RangeError(`queueSize must be a positive integer, got ${queueSize}`);

  // Open the input first: a missing file rejects here, before any request or output.
  const input = createReadStream(inputPath, { encoding: "utf8" });
  await once(input, "open");

  const output = createWriteStream(outputPath);
  await once(output, "open");
  const write = (line: string) =>
    new Promise<void>((resolve, reject) => output.write(line, (error) => (error ? reject(error) : resolve())));

  const queue = new AsyncQueue<Row | typeof DONE>(queueSize);
  const report: EnrichReport = { read: 0, written: 0, failed: [] };

  async function enrich(row: Row): Promise<void> {
    const id = row.id ?? "";
    let body: unknown;
    try {
      const response = await fetch(`${apiUrl}/enrich?id=${encodeURIComponent(id)}`);
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}`);
      }
      body = await response.json();
      if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("the API did not answer a JSON object");
    } catch (error) {
      report.failed.push({ id, reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    await write(JSON.stringify({ ...row, ...body }) + "\n");
    report.written++;
  }

  async function worker(): Promise<void> {
    for (;;) {
      const row = await queue.get();
      try {
        if (row === DONE) return;
        await enrich(row);
      } finally {
        queue.taskDone();
      }
    }
  }

  const running = Array.from({ length: workers }, worker);

  try {
    let header: string[] | undefined;
    // crlfDelay: Infinity treats \r\n as one line break even when split across chunks.
    for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (line.trim() === "") continue;
      const fields = line.split(",");
      if (!header) {
        header = fields;
        continue;
      }
      const row: Row = {};
      header.forEach((name, i) => (row[name] = fields[i] ?? ""));
      report.read++;
      await queue.put(row);
    }
  } finally {
    for (let i = 0; i < workers; i++) await queue.put(DONE);
    await Promise.all(running);
    await new Promise<void>((resolve) => output.end(resolve));
  }
  return report;
}
