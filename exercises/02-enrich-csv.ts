/**
 * Exercise 02 — Enrich a CSV through a bounded queue                              (35 points)
 *
 * A CSV file has more rows than memory should hold at once, and every row needs a call to a slow
 * HTTP API. One producer reads the rows into a bounded queue; N workers take rows from it, call the
 * API and write the enriched rows out. When the queue is full the producer waits ("backpressure"),
 * so the program never holds more than a few rows, however big the file.
 *
 * Part 1 — `AsyncQueue<T>`, a first-in first-out queue whose operations wait instead of failing:
 *   - `new AsyncQueue(maxSize?)`: at most `maxSize` items; 0 or omitted = unbounded. A maxSize that is
 *     not a non-negative integer (-1, 1.5, NaN, Infinity) throws a `RangeError`.
 *   - Items can be any value: `0`, `""`, `null`, `undefined` and `false` are items like any other.
 *   - `size`: the number of items currently in the queue (putters still waiting are not counted).
 *   - `put(item)`: resolves once the item is in the queue. While the queue is full it waits; waiting
 *     putters get in one at a time, in the order they called `put`, as `get` makes room. A `put`
 *     called later never overtakes them, not even one called right after the `get` that made room.
 *   - `get()`: resolves with the oldest item (FIFO). While the queue is empty it waits; waiting
 *     getters are served in the order they called `get`: an item put goes to the getter that has
 *     waited longest, never to a `get` called after the `put`.
 *   - `taskDone()`: marks one item as handled. Calling it more times than items were put (taken
 *     with `get()` or not) throws an `Error`.
 *   - `join()`: resolves once every item put so far has been marked done with `taskDone()` (at once
 *     if there is nothing unfinished). An item taken with `get()` is not done until `taskDone()`.
 *     This holds every time: once a round of items is done, new puts make a new `join()` wait again.
 *   Resolve waiting promises directly when something changes (keep their resolve functions); do not poll
 *   with timers.
 *
 * Part 2 — `enrichCsv(inputPath, outputPath, { apiUrl, workers = 3, queueSize = 10 })`:
 *   - Input: a CSV file. The first line is the header, with an `id` column (in any position).
 *     Fields never contain commas or quotes. Lines end with LF ("\n") or CRLF ("\r\n"); blank lines
 *     are skipped (in a CRLF file too); the last line may or may not end with a newline. Each row
 *     becomes an object header → string value, the text exactly as in the file ("007" stays "007").
 *   - `workers` and `queueSize` left out or `undefined` take their defaults (3 and 10).
 *   - One producer puts each row into an `AsyncQueue` created with `maxSize = queueSize` (call its
 *     `put`). Reading the whole file at once is accepted; streaming it line by line is recommended
 *     (`node:readline` over `fs.createReadStream`).
 *   - `workers` concurrent workers take rows from the queue and request
 *       GET `${apiUrl}/enrich?id=${encodeURIComponent(row.id)}`
 *     (global `fetch` or `node:http`). `apiUrl` may carry a port and a path, which are kept:
 *     with "http://host:8080/api/v1" the request is GET http://host:8080/api/v1/enrich?id=7 (build
 *     the URL as text: `new URL("/enrich", apiUrl)` would drop the path).
 *   - Any 2xx answer (200 to 299, not only 200) whose body is a JSON object is a success: it is
 *     merged over the row, `{ ...row, ...body }`, and written to `outputPath` as one line of JSON
 *     (JSON Lines), in any order. A 2xx body that is not a JSON object (an array, a string, `null`,
 *     no body at all) fails the row.
 *   - `outputPath` is created, or replaced if it exists: never appended to. When enrichCsv resolves, it
 *     holds the lines of this run only.
 *   - A row whose request fails (a non-2xx status, a network error, a body that is not a JSON object)
 *     is not written: it is listed in `failed` as `{ id, reason }` and the other rows go on. Nothing
 *     is lost: `read === written + failed.length`.
 *   - While rows remain, exactly `min(workers, rows remaining)` requests are in flight: a worker
 *     starts its next row as soon as it finishes one, never waiting for the others.
 *   - Resolve with `{ read, written, failed }` only after every row has been handled, every line is in
 *     the output file and every worker has finished: no request or timer is left running.
 *   - A missing input file rejects (the ENOENT error) without any request. A header-only input
 *     resolves with `{ read: 0, written: 0, failed: [] }` and leaves an empty output file.
 *   - `workers` or `queueSize` not a positive integer: reject with a `RangeError` before reading.
 *   - Report every error through the returned promise: never throw synchronously.
 *
 * Example — with /data/people.csv:
 *     id,name
 *     7,Ada
 *     9,Linus
 *   and an API answering GET https://api.example.com/enrich?id=7 with {"score":12}, and ?id=9 with 500:
 *     await enrichCsv("/data/people.csv", "/data/out.jsonl", { apiUrl: "https://api.example.com" })
 *     // → { read: 2, written: 1, failed: [{ id: "9", reason: "HTTP 500" }] }
 *     // /data/out.jsonl: {"id":"7","name":"Ada","score":12}
 *
 * Check your work: `npm test` (or `npm run watch -- 02`). Stuck? `npm run hint -- 02`.
 */

export class AsyncQueue<T> {
  constructor(maxSize = 0) {
    // Your code here. Remove the line below when you start.
    throw new Error("Not implemented yet: AsyncQueue in exercises/02-enrich-csv.ts");
  }

  get size(): number {
    throw new Error("Not implemented yet: AsyncQueue.size in exercises/02-enrich-csv.ts");
  }

  put(item: T): Promise<void> {
    throw new Error("Not implemented yet: AsyncQueue.put in exercises/02-enrich-csv.ts");
  }

  get(): Promise<T> {
    throw new Error("Not implemented yet: AsyncQueue.get in exercises/02-enrich-csv.ts");
  }

  taskDone(): void {
    throw new Error("Not implemented yet: AsyncQueue.taskDone in exercises/02-enrich-csv.ts");
  }

  join(): Promise<void> {
    throw new Error("Not implemented yet: AsyncQueue.join in exercises/02-enrich-csv.ts");
  }
}

export interface EnrichOptions {
  apiUrl: string;
  /** Concurrent workers, a positive integer (default 3). */
  workers?: number;
  /** maxSize of the queue between the producer and the workers, a positive integer (default 10). */
  queueSize?: number;
}

export interface EnrichReport {
  /** Data rows read from the input (the header and blank lines not counted). */
  read: number;
  /** Lines written to the output. */
  written: number;
  /** Rows whose request failed, with the reason (any wording). */
  failed: { id: string; reason: string }[];
}

export async function enrichCsv(inputPath: string, outputPath: string, options: EnrichOptions): Promise<EnrichReport> {
  // Your code here. Remove the line below when you start.
  throw new Error("Not implemented yet: enrichCsv in exercises/02-enrich-csv.ts");
}
