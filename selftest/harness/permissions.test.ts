/**
 * The layers below the module sandbox (permissions.ts), proven with real processes: a Node started with a
 * grader worker's options can read the course but not write outside its folder, start a process or open a
 * socket (Node 25+); a program started under the engine's no-network prefix reaches no real listener.
 * Where this Node or system lacks a layer, the test says so by skipping, and the README says what is lost.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";
import { noNetworkPrefix, permissionModelAvailable, workerExecArgv } from "../../graders/harness/sandbox/permissions.ts";

let port = 0;
let connections = 0;
const listener = createServer((socket) => {
  connections++;
  socket.destroy();
});
beforeAll(() => new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", () => ((port = (listener.address() as AddressInfo).port), resolve()))));
afterAll(() => void listener.close());

/** Runs `code` in a new node with these options; returns what it printed (this process keeps serving the listener). */
function node(args: string[], code: string, prefix: string[] = []): Promise<string> {
  const [command, ...rest] = [...prefix, process.execPath, ...args, "-e", code];
  return new Promise((resolve) => execFile(command!, rest, { encoding: "utf8", timeout: 30_000 }, (_error, stdout, stderr) => resolve(`${stdout}${stderr}`)));
}

const PROBE = (file: string) => `
const fs = require("node:fs");
const out = [];
try { fs.readFileSync(${JSON.stringify(path.join(REPO_ROOT, "package.json"))}); out.push("read course: ok"); } catch (e) { out.push("read course: " + e.code); }
try { fs.writeFileSync(${JSON.stringify(file)}, "x"); out.push("write outside: ok"); } catch (e) { out.push("write outside: " + e.code); }
try { require("node:child_process").execFileSync(process.execPath, ["-e", ""]); out.push("process: ok"); } catch (e) { out.push("process: " + e.code); }
const s = require("node:net").connect(${"PORT"}, "127.0.0.1");
s.on("connect", () => { out.push("socket: connected"); done(); });
s.on("error", (e) => { out.push("socket: " + e.code); done(); });
function done() { console.log(out.join("\\n")); process.exit(0); }
`;

describe("grader workers under Node's permission model", () => {
  test("the options: the course and the graded files to read, the grade's folder to write, the inspector allowed", () => {
    const args = workerExecArgv(REPO_ROOT, { read: ["/learners/ada"], write: ["/tmp/grade-x"] });
    if (!permissionModelAvailable()) return expect(args).toEqual([]);
    expect(args.slice(0, 2)).toEqual(["--permission", "--allow-inspector"]);
    expect(args).toContain(`--allow-fs-read=${REPO_ROOT}`);
    expect(args).toContain("--allow-fs-read=/learners/ada");
    expect(args).toContain("--allow-fs-write=/tmp/grade-x");
    expect(args.filter((a) => /--allow-(child-process|worker|addons|wasi|net)\b/.test(a))).toEqual([]);
  });

  test.skipIf(!permissionModelAvailable())("reads the course; writes nothing outside, starts no process; no socket on Node 25+", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "perm-"));
    const work = mkdtempSync(path.join(tmpdir(), "perm-work-"));
    const out = await node(workerExecArgv(REPO_ROOT, { read: [], write: [work] }), PROBE(path.join(dir, "escaped.txt")).replace("PORT", String(port)));
    expect(out).toContain("read course: ok");
    expect(out).toContain("write outside: ERR_ACCESS_DENIED");
    expect(out).toContain("process: ERR_ACCESS_DENIED");
    if (process.allowedNodeEnvironmentFlags.has("--allow-net")) expect(out).toContain("socket: ERR_ACCESS_DENIED");
    rmSync(dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });
});

test("a graded folder that does not exist is reported as missing, also under the permission model (which grants a missing path as an exact file)", async () => {
  const missing = path.join(tmpdir(), `no-such-course-${process.pid}`);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));
  const out = await new Promise<string>((resolve) =>
    execFile(process.execPath, ["--import", "tsx", "graders/harness/commands/cli.ts", "--target", missing, "03"], { cwd: REPO_ROOT, env: clean, encoding: "utf8", timeout: 60_000 }, (_e, stdout, stderr) => resolve(`${stdout}${stderr}`)),
  );
  expect(out).toContain("03-retry-async.ts is missing: create it");
  expect(out).not.toMatch(/restricted|ERR_ACCESS_DENIED/);
}, 90_000);

describe("the engine without network (Linux, when the system allows user namespaces)", () => {
  test.skipIf(noNetworkPrefix().length === 0)("a program started under the prefix reaches no real listener", async () => {
    const before = connections;
    const out = await node([], PROBE(path.join(tmpdir(), "unused")).replace("PORT", String(port)), noNetworkPrefix());
    expect(out).toMatch(/socket: (ENETUNREACH|ECONNREFUSED|EACCES)/);
    expect(connections).toBe(before);
  });

  test("the same program without it does reach the listener (so the test above can fail)", async () => {
    const before = connections;
    const out = await node([], PROBE(path.join(tmpdir(), `unused-${process.pid}`)).replace("PORT", String(port)));
    expect(out).toContain("socket: connected");
    await expect.poll(() => connections).toBe(before + 1);
    rmSync(path.join(tmpdir(), `unused-${process.pid}`), { force: true });
  });
});
