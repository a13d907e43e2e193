/** Reference solution for exercise 01 — see exercises/01-download-files.ts for the contract. */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

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
  options: DownloadOptions = {},
): Promise<DownloadResult[]> {
  const { maxConcurrent = 5 } = options;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent must be a positive integer, got ${maxConcurrent}`);
  }
  if (urls.length === 0) return [];
  await mkdir(outputDir, { recursive: true });

  // A pool of workers sharing one cursor: each worker takes the next URL as soon as it is free,
  // so exactly min(maxConcurrent, URLs left) downloads run at any time.
  const results = new Array<DownloadResult>(urls.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < urls.length) {
      const i = next++;
      results[i] = await downloadOne(urls[i]!, outputDir);
    }
  }
  await Promise.all(Array.from({ length: Math.min(maxConcurrent, urls.length) }, worker));
  return results;
}

/** Downloads one URL; never rejects: every failure becomes a rejected result naming the URL. */
async function downloadOne(url: string, outputDir: string): Promise<DownloadResult> {
  try {
    const target = path.join(outputDir, fileNameOf(url));
    const response = await fetch(url);
    if (!response.ok) {
      await response.body?.cancel(); // the error page is not wanted: free the connection
      throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    }
    // Bytes, not text: response.text() would mangle anything that is not UTF-8.
    const bytes = new Uint8Array(await response.arrayBuffer());
    await writeFile(target, bytes); // nothing is written before the whole body arrived
    return { url, status: "fulfilled", path: target };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { url, status: "rejected", reason: new Error(`${url}: ${message}`, { cause: error }) };
  }
}

/** The decoded last segment of the URL's pathname; throws for anything unsafe to use as a file name. */
function fileNameOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("not a valid absolute URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error("only http and https URLs can be downloaded");
  }
  const name = decodeURIComponent(parsed.pathname.slice(parsed.pathname.lastIndexOf("/") + 1));
  if (name === "" || name === "." || name === ".." || /[/\\]/.test(name)) {
    throw new Error(`no safe file name in the URL path (${JSON.stringify(name)})`);
  }
  return name;
}
