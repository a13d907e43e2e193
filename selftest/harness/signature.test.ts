/** A changed signature is said in words on every failing check (authoring/signature.ts). */
import { expect, test } from "vitest";
import { declaredParameters, signatureNote } from "../../graders/harness/authoring/signature.ts";

const RETRY = ["fn", "maxAttempts", "backoffMs"];

test("parameters are read from the source, defaults and destructuring included; rest parameters and classes are not followed", () => {
  expect(declaredParameters(async function retryAsync(fn: unknown, maxAttempts: number, backoffMs = 100) {})).toEqual(["fn", "maxAttempts", "backoffMs"]);
  expect(declaredParameters(async (fn: unknown, { retries, backoffMs }: { retries: number; backoffMs: number }) => [fn, retries, backoffMs])).toEqual(["fn", "{…}"]);
  expect(declaredParameters(async (fn: unknown, opts = { a: [1, 2], b: "x,y)" }) => [fn, opts])).toEqual(["fn", "opts"]);
  expect(declaredParameters((x: unknown) => x)).toEqual(["x"]);
  expect(declaredParameters(new Function("x", "return x"))).toEqual(["x"]);
  expect(declaredParameters(() => 0)).toEqual([]);
  expect(declaredParameters((...args: unknown[]) => args)).toBeUndefined();
  expect(declaredParameters(class Queue {})).toBeUndefined();
  expect(declaredParameters("not a function")).toBeUndefined();
});

test("a note only when the parameters cannot be the exercise's: too few required ones, or more than it has", () => {
  expect(signatureNote("retryAsync", async (fn: unknown, opts: unknown) => [fn, opts], RETRY)).toBe(
    "note: your retryAsync declares (fn, opts), but the exercise's signature is retryAsync(fn, maxAttempts, backoffMs): the checks call it that way. Put the parameters back as the comment at the top of the file shows",
  );
  expect(signatureNote("retryAsync", async (fn: unknown, a: number, b: number, c: number) => [fn, a, b, c], RETRY)).toMatch(/declares \(fn, a, b, c\)/);
  // Any names, defaults: fine.
  expect(signatureNote("retryAsync", async (task: unknown, tries = 3, wait = 100) => [task, tries, wait], RETRY)).toBeUndefined();
  // An optional parameter may be left out.
  expect(signatureNote("downloadFiles", async (urls: string[], dir: string) => [urls, dir], ["urls", "outputDir", "options?"])).toBeUndefined();
  expect(signatureNote("downloadFiles", async (urls: string[]) => urls, ["urls", "outputDir", "options?"])).toMatch(/declares \(urls\)/);
  expect(signatureNote("retryAsync", (...args: unknown[]) => args, RETRY)).toBeUndefined();
});

test("npm test on a changed signature: the note once under the exercise, and in every failed check's message of the JSON report", async () => {
  const { execFileSync } = await import("node:child_process");
  const { copyFileSync, mkdtempSync, readFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const path = (await import("node:path")).default;
  const { REPO_ROOT } = await import("../../graders/harness/core/paths.ts");
  const target = mkdtempSync(path.join(tmpdir(), "signature-"));
  const { knownSubmissions } = await import("../known.ts");
  copyFileSync(knownSubmissions().find((k) => k.name === "wrong-options-object")!.file, path.join(target, "03-retry-async.ts"));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));
  const json = path.join(target, "report.json");
  let out = "";
  try {
    execFileSync(process.execPath, ["--import", "tsx", "graders/harness/commands/cli.ts", "--target", target, "--json", json, "03"], { cwd: REPO_ROOT, env: clean, encoding: "utf8" });
  } catch (error) {
    out = (error as { stdout: string }).stdout; // exit 1: not full marks
  }
  const note = "note: your retryAsync declares (fn, opts), but the exercise's signature is retryAsync(fn, maxAttempts, backoffMs)";
  expect(out.split(note).length - 1).toBe(1);
  const report = JSON.parse(readFileSync(json, "utf8")) as { exercises: { tests: { status: string; message?: string }[] }[] };
  const failed = report.exercises[0]!.tests.filter((t) => t.status !== "passed");
  expect(failed.length).toBeGreaterThan(1);
  for (const t of failed) expect(t.message).toContain(note);
}, 120_000);
