/**
 * The platform branches of the harness, each with the platform injected, so they run on Linux:
 * entry-module detection, process-tree kill, displayed paths, Windows path flavour, terminal glyphs.
 */
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "vitest";
import { isEntryModule } from "../../graders/harness/core/entry.ts";
import { describeLoadError } from "../../graders/harness/authoring/feedback.ts";
import { unixify, windowsLikeFs } from "../../graders/harness/sandbox/path-flavor.ts";
import { displayDir, REPO_ROOT, toPosixPath } from "../../graders/harness/core/paths.ts";
import { killTree, treeRoot, type Platform } from "../../graders/harness/engine/process-tree.ts";
import { forTerminal } from "../../graders/harness/report/terminal.ts";
import { lf } from "../../graders/harness/core/text.ts";

test("entry module: found from a folder whose path has a space and a non-ASCII letter (the URL is percent-encoded)", () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "entry-")), "My Courses", "Zoë");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "cli.ts");
  writeFileSync(file, "");
  const url = pathToFileURL(file).href;
  expect(url).toContain("My%20Courses/Zo%C3%AB");
  expect(isEntryModule(url, file)).toBe(true);
  expect(isEntryModule(url, path.relative(process.cwd(), file))).toBe(true);
  expect(isEntryModule(url, path.join(dir, "other.ts"))).toBe(false);
  expect(isEntryModule(url, undefined)).toBe(false);
});

test("entry module: found through a symlinked folder (macOS /tmp is /private/tmp)", () => {
  const root = mkdtempSync(path.join(tmpdir(), "entry-link-"));
  mkdirSync(path.join(root, "real"));
  writeFileSync(path.join(root, "real", "cli.ts"), "");
  symlinkSync(path.join(root, "real"), path.join(root, "link"));
  // Node gives the module its real path; argv[1] keeps the path as typed.
  expect(isEntryModule(pathToFileURL(path.join(root, "real", "cli.ts")).href, path.join(root, "link", "cli.ts"))).toBe(true);
});

test("entry module: Windows paths, drive letters and case (file:///C:/… vs C:\\…)", () => {
  expect(isEntryModule("file:///C:/Users/Zo%C3%AB/My%20Courses/graders/harness/commands/cli.ts", "C:\\Users\\Zoë\\My Courses\\graders\\harness\\commands\\cli.ts", "win32")).toBe(true);
  expect(isEntryModule("file:///C:/Users/Zo%C3%AB/course/cli.ts", "c:\\users\\zoë\\course\\cli.ts", "win32")).toBe(true);
  expect(isEntryModule("file:///C:/course/cli.ts", "C:\\course\\hint.ts", "win32")).toBe(false);
});

/** A fake platform recording what killTree does. */
function host(platform: NodeJS.Platform, fail: { group?: boolean; one?: boolean; taskkill?: number } = {}) {
  const calls: string[] = [];
  const fake: Platform = {
    platform,
    kill: (pid, signal) => {
      calls.push(`kill ${pid} ${signal}`);
      if ((pid < 0 && fail.group) || (pid > 0 && fail.one)) throw Object.assign(new Error("ESRCH"), { code: "ESRCH" });
    },
    run: (command, args) => {
      calls.push(`${command} ${args.join(" ")}`);
      return { status: fail.taskkill ?? 0 };
    },
  };
  return { fake, calls };
}

test("killTree on POSIX kills the process group at once", () => {
  const { fake, calls } = host("linux");
  expect(killTree(42, fake)).toBe(true);
  expect(calls).toEqual(["kill -42 SIGKILL"]);
  expect(treeRoot(fake)).toEqual({ detached: true, windowsHide: true });
});

test("killTree on POSIX falls back to the process itself when it leads no group, and says when nothing was left", () => {
  const one = host("darwin", { group: true });
  expect(killTree(42, one.fake)).toBe(true);
  expect(one.calls).toEqual(["kill -42 SIGKILL", "kill 42 SIGKILL"]);
  const none = host("linux", { group: true, one: true });
  expect(killTree(42, none.fake)).toBe(false);
});

test("killTree on Windows runs taskkill /T /F (process.kill(-pid) throws there) and keeps the child attached, its window hidden", () => {
  const { fake, calls } = host("win32");
  expect(killTree(42, fake)).toBe(true);
  expect(calls).toEqual(["taskkill /pid 42 /T /F"]);
  expect(treeRoot(fake)).toEqual({ detached: false, windowsHide: true });
  const refused = host("win32", { taskkill: 128 });
  expect(killTree(42, refused.fake)).toBe(true);
  expect(refused.calls).toEqual(["taskkill /pid 42 /T /F", "kill 42 SIGKILL"]);
});

test("killTree on Windows never signals a finished child's pid (it may belong to someone else by now); on POSIX its group is still killed", () => {
  const finished = { pid: 42, exitCode: 0, signalCode: null, kill: () => true } as unknown as ChildProcess;
  const win = host("win32");
  expect(killTree(finished, win.fake)).toBe(false);
  expect(win.calls).toEqual([]);
  const posix = host("linux");
  expect(killTree(finished, posix.fake)).toBe(true);
  expect(posix.calls).toEqual(["kill -42 SIGKILL"]);
  // A running child whose taskkill is refused is stopped through its own handle.
  const handle: string[] = [];
  const running = { pid: 43, exitCode: null, signalCode: null, kill: (s: string) => handle.push(s) > 0 } as unknown as ChildProcess;
  expect(killTree(running, host("win32", { taskkill: 1 }).fake)).toBe(true);
  expect(handle).toEqual(["SIGKILL"]);
});

test("a load error's location keeps a Windows drive letter", () => {
  const error = new Error("boom");
  error.stack = "Error: boom\n    at Z:/tmp/class/zo\u00eb/03-retry-async.ts:4:9\n    at file:///Z:/course/node_modules/vitest/dist/x.js:1:1";
  expect(describeLoadError(error)).toBe('it throws while loading: Error("boom") (at Z:/tmp/class/zo\u00eb/03-retry-async.ts:4)');
});

test("killTree ignores a missing pid (a child that never started)", () => {
  const { fake, calls } = host("linux");
  expect(killTree(undefined, fake)).toBe(false);
  expect(killTree(0, fake)).toBe(false);
  expect(calls).toEqual([]);
});

test("a folder is shown with one kind of separator: exercises/ inside the course, C:\\course\\sub\\ outside it on Windows", () => {
  expect(displayDir(path.join(REPO_ROOT, "exercises"))).toBe("exercises/");
  expect(displayDir("/home/zoë/sub")).toBe("/home/zoë/sub/");
  expect(displayDir("C:\\course\\sub", path.win32)).toBe("C:\\course\\sub\\");
  expect(toPosixPath("C:\\course\\exercises\\01.ts")).toBe("C:/course/exercises/01.ts");
});

test("Windows path flavour: memfs reads \\ as a separator and drops the drive letter, in path arguments only", () => {
  expect(unixify("\\downloads\\a.txt")).toBe("/downloads/a.txt");
  expect(unixify("C:\\tmp\\x\\a.txt")).toBe("/tmp/x/a.txt");
  const seen: unknown[][] = [];
  const fs = windowsLikeFs({
    writeFileSync: (...args: unknown[]) => seen.push(args),
    renameSync: (...args: unknown[]) => seen.push(args),
    promises: { readFile: (...args: unknown[]) => seen.push(args) },
    ReadStream: class {},
  });
  fs.writeFileSync("\\out\\a.txt", "C:\\not\\a\\path");
  fs.renameSync("\\a", "\\b");
  fs.promises.readFile("D:\\in.csv");
  expect(seen).toEqual([["/out/a.txt", "C:\\not\\a\\path"], ["/a", "/b"], ["/in.csv"]]);
  expect(new fs.ReadStream()).toBeInstanceOf(fs.ReadStream);
});

test("terminal: glyphs the legacy Windows console cannot draw have ASCII stand-ins", () => {
  const line = "✓ 03-retry-async  30/30  complete — next: ◐ [██░░] ⚠ leak … 🎉";
  expect(forTerminal(line, { unicode: true })).toBe(line);
  expect(forTerminal(line, { unicode: false })).toBe("+ 03-retry-async  30/30  complete - next: ~ [##..] ! leak ... :)");
  expect(forTerminal("✗ 0/3  ■■□ → résumé.pdf", { unicode: false })).toBe("x 0/3  ##. -> résumé.pdf");
});

test("CRLF text reads like LF text", () => {
  expect(lf("id,name\r\n1,Ada\r\n")).toBe("id,name\n1,Ada\n");
  expect(lf("a\rb\nc")).toBe("a\nb\nc");
});
