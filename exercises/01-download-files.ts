/**
 * Exercise 01 — Download files, at most N at a time                              (35 points)
 *
 * Downloading 200 files one after the other is slow; starting all 200 at once overwhelms the
 * server (and your machine). The usual middle way is a *sliding window*: keep exactly N downloads
 * running, and start the next one the moment any of them finishes.
 *
 * Build `downloadFiles(urls, outputDir, options)`:
 *   - Download every URL with an HTTP GET and save its body in `outputDir`. Use what you like:
 *     global `fetch`, or `get` from "node:http" / "node:https"; `node:fs` or `node:fs/promises`.
 *   - Resolve with one result per URL, in the same order as `urls` (not in the order they finish):
 *       { url, status: "fulfilled", path }   path = path.join(outputDir, filename), exactly, whatever
 *                                            the form of outputDir ("out", "./out", "/tmp/out/")
 *       { url, status: "rejected", reason }  reason is an Error
 *   - filename = the last segment of the URL's pathname, percent-decoded; the query and the
 *     fragment are ignored:  https://example.com/docs/r%C3%A9sum%C3%A9.pdf?token=1#p  →  résumé.pdf
 *   - A URL that is not a valid absolute http:// or https:// URL, or whose filename is empty, "." or
 *     "..", or contains "/" or "\" once decoded, gets a rejected result: make no request for it and
 *     write nothing. (That is what stops  https://example.com/..%2F..%2Fetc%2Fpasswd.)
 *   - Any 2xx response (200, 201, 204…) is a success; an empty body (or none, as with 204) makes an
 *     empty file. A response that is not 2xx (404, 500…) or a network error gets a rejected result whose
 *     `reason.message` contains the URL (and the status code for an HTTP error). Leave no file at
 *     all for that URL, not even an empty one. The other downloads still complete.
 *   - Create `outputDir` (and its parents) if it does not exist. Write the bytes exactly as
 *     received: images and archives are binary, not text.
 *   - Never more than `maxConcurrent` requests in flight (default 5). While URLs remain, start a new
 *     download as soon as one finishes: a sliding window, not fixed batches. A download holds its
 *     slot from its request until its file is completely written (or it has failed).
 *   - `maxConcurrent` that is not a positive integer (0, -1, 2.5, NaN, Infinity): reject with a
 *     `RangeError` before making any request. This check comes first, even when `urls` is empty.
 *   - Resolve only once every file is completely written. No URLs: resolve with `[]` at once.
 *   - Report every error through the returned promise: never throw synchronously.
 *
 * Example:
 *   const results = await downloadFiles(
 *     ["https://example.com/a.png", "https://example.com/missing.txt"], "downloads", { maxConcurrent: 2 });
 *   // [ { url: "https://example.com/a.png", status: "fulfilled", path: "downloads/a.png" },
 *   //   { url: "https://example.com/missing.txt", status: "rejected",
 *   //     reason: Error("https://example.com/missing.txt: HTTP 404") } ]
 *
 * Check your work: `npm test` (or `npm run watch -- 01`). Stuck? `npm run hint -- 01`.
 */
export interface DownloadOptions {
  /** Most downloads in flight at once (default 5). */
  maxConcurrent?: number;
}

export type DownloadResult =
  | { url: string; status: "fulfilled"; path: string }
  | { url: string; status: "rejected"; reason: Error };

export async function downloadFiles(
  urls: string[],
  outputDir: string,
  options?: DownloadOptions,
): Promise<DownloadResult[]> {
  // Your code here. Remove the line below when you start.
  throw new Error("Not implemented yet: downloadFiles in exercises/01-download-files.ts");
}
