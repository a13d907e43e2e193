/** The in-memory disk behaves like Node's fs where learner code may rely on it, and can hold writes. */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { expect, test } from "vitest";
import { settle } from "../../graders/harness/authoring/clock.ts";
import { diskFs, freshDisk, holdWrites, readDiskFile } from "../../graders/harness/sandbox/disk.ts";

type AnyFs = Record<string, (...args: unknown[]) => unknown> & { promises: Record<string, (...args: unknown[]) => Promise<unknown>> };

test("every asynchronous way to write a file can be held until the check releases it", async () => {
  freshDisk();
  const fs = diskFs() as unknown as AnyFs;
  const held = holdWrites();
  const done: string[] = [];
  void fs.promises.writeFile!("/a.txt", "A").then(() => done.push("promises.writeFile"));
  fs.writeFile!("/b.txt", "B", () => done.push("writeFile callback"));
  void pipeline(Readable.from(["x", "y"]), fs.createWriteStream!("/c.txt") as NodeJS.WritableStream).then(() => done.push("write stream"));
  const handle = (await fs.promises.open!("/d.txt", "w")) as { writeFile: (d: string) => Promise<void> };
  void handle.writeFile("D").then(() => done.push("FileHandle.writeFile"));
  await settle();
  expect(done).toEqual([]);
  expect(held.waiting.map((w) => w.file).sort()).toEqual(["/a.txt", "/b.txt", "/c.txt", "/d.txt"]);
  expect(readDiskFile("/a.txt")).toBeUndefined();
  for (const w of held.waiting) w.release();
  await settle(100);
  expect(done.sort()).toEqual(["FileHandle.writeFile", "promises.writeFile", "write stream", "writeFile callback"]);
  expect(["/a.txt", "/b.txt", "/c.txt", "/d.txt"].map((f) => readDiskFile(f)?.toString())).toEqual(["A", "B", "xy", "D"]);
});

test("writes are not held unless the check asks, and a fresh disk stops holding", async () => {
  freshDisk();
  holdWrites();
  freshDisk();
  const fs = diskFs() as unknown as AnyFs;
  await fs.promises.writeFile!("/a.txt", "A");
  expect(readDiskFile("/a.txt")?.toString()).toBe("A");
});

test("FileHandle.readLines (Node 18.11+, missing from memfs) reads lines, CRLF included", async () => {
  freshDisk({ "/in.csv": "id,name\r\n1,Ada\n\n2,Bob" });
  const fs = diskFs() as unknown as AnyFs;
  const handle = (await fs.promises.open!("/in.csv")) as { readLines: () => AsyncIterable<string>; close: () => Promise<void> };
  const lines: string[] = [];
  for await (const line of handle.readLines()) lines.push(line);
  expect(lines).toEqual(["id,name", "1,Ada", "", "2,Bob"]);
});
