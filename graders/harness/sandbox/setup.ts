/**
 * vitest setup file for every grader file: routes the builtins learner code may use to the grader's
 * sandbox, in every import style (default, named, namespace; with or without the `node:` prefix).
 *   fs, fs/promises         → a fresh in-memory memfs volume per check (disk.ts)
 *   http, https             → the CommonJS modules MSW patches (network.ts), so no request leaves
 *   timers, timers/promises → the CommonJS modules fake-timers patches (clock.ts)
 *   net, tls, dgram, http2, dns, child_process, cluster, worker_threads, inspector → stand-ins that throw (doors.ts)
 *   module                  → createRequire & co. handing out these same modules (doors.ts)
 * Mocks must be declared here, not in a module imported once: vitest applies setup files to every file.
 */
import { beforeAll, beforeEach, vi } from "vitest";
import { freshDisk } from "./disk.ts";
import { closeDoors } from "./doors.ts";
import { watchEscapes } from "./escapes.ts";
import { installFencedImport } from "./fence.ts";
import { snapshotIntrinsics } from "./intrinsics.ts";
// Loaded now, before any learner code: it captures the real builtins the sandbox serves.
import "./live-module.ts";
import { learnerBuiltin } from "./sandbox-modules.ts";

vi.mock("fs", async () => (await import("./sandbox-modules.ts")).fsFacade());
vi.mock("node:fs", async () => (await import("./sandbox-modules.ts")).fsFacade());
vi.mock("fs/promises", async () => (await import("./sandbox-modules.ts")).fsPromisesFacade());
vi.mock("node:fs/promises", async () => (await import("./sandbox-modules.ts")).fsPromisesFacade());
vi.mock("http", async () => (await import("./live-module.ts")).liveBuiltin("http"));
vi.mock("node:http", async () => (await import("./live-module.ts")).liveBuiltin("http"));
vi.mock("https", async () => (await import("./live-module.ts")).liveBuiltin("https"));
vi.mock("node:https", async () => (await import("./live-module.ts")).liveBuiltin("https"));
vi.mock("timers", async () => (await import("./live-module.ts")).liveBuiltin("timers"));
vi.mock("node:timers", async () => (await import("./live-module.ts")).liveBuiltin("timers"));
vi.mock("timers/promises", async () => (await import("./live-module.ts")).liveBuiltin("timers/promises"));
vi.mock("node:timers/promises", async () => (await import("./live-module.ts")).liveBuiltin("timers/promises"));

// Processes, sockets and threads: stand-ins that throw (doors.ts). `vi.mock` needs literal names.
vi.mock("net", async () => (await import("./sandbox-modules.ts")).closedModule("net"));
vi.mock("node:net", async () => (await import("./sandbox-modules.ts")).closedModule("net"));
vi.mock("tls", async () => (await import("./sandbox-modules.ts")).closedModule("tls"));
vi.mock("node:tls", async () => (await import("./sandbox-modules.ts")).closedModule("tls"));
vi.mock("dgram", async () => (await import("./sandbox-modules.ts")).closedModule("dgram"));
vi.mock("node:dgram", async () => (await import("./sandbox-modules.ts")).closedModule("dgram"));
vi.mock("http2", async () => (await import("./sandbox-modules.ts")).closedModule("http2"));
vi.mock("node:http2", async () => (await import("./sandbox-modules.ts")).closedModule("http2"));
vi.mock("dns", async () => (await import("./sandbox-modules.ts")).closedModule("dns"));
vi.mock("node:dns", async () => (await import("./sandbox-modules.ts")).closedModule("dns"));
vi.mock("dns/promises", async () => (await import("./sandbox-modules.ts")).closedModule("dns/promises"));
vi.mock("node:dns/promises", async () => (await import("./sandbox-modules.ts")).closedModule("dns/promises"));
vi.mock("child_process", async () => (await import("./sandbox-modules.ts")).closedModule("child_process"));
vi.mock("node:child_process", async () => (await import("./sandbox-modules.ts")).closedModule("child_process"));
vi.mock("cluster", async () => (await import("./sandbox-modules.ts")).closedModule("cluster"));
vi.mock("node:cluster", async () => (await import("./sandbox-modules.ts")).closedModule("cluster"));
vi.mock("worker_threads", async () => (await import("./sandbox-modules.ts")).closedModule("worker_threads"));
vi.mock("node:worker_threads", async () => (await import("./sandbox-modules.ts")).closedModule("worker_threads"));
vi.mock("inspector", async () => (await import("./sandbox-modules.ts")).closedModule("inspector"));
vi.mock("node:inspector", async () => (await import("./sandbox-modules.ts")).closedModule("inspector"));
vi.mock("inspector/promises", async () => (await import("./sandbox-modules.ts")).closedModule("inspector/promises"));
vi.mock("node:inspector/promises", async () => (await import("./sandbox-modules.ts")).closedModule("inspector/promises"));
// createRequire & co.: a require that gives the same modules as imports do (doors.ts).
// (Built from doors.ts alone: the harness's own modules import node:module while they load.)
vi.mock("module", async () => (await import("./doors.ts")).moduleFacade(await vi.importActual("node:module")));
vi.mock("node:module", async () => (await import("./doors.ts")).moduleFacade(await vi.importActual("node:module")));

// Grader files and the harness have loaded (and captured the real fs they need): from here on learner code
// may run, and no route leads to a real builtin.
beforeAll(() => {
  closeDoors(learnerBuiltin);
  installFencedImport(); // learner files' dynamic imports go through it (fence.ts)
  snapshotIntrinsics(); // the built-ins as they are before learner code runs (intrinsics.ts)
});
beforeEach(() => freshDisk());
watchEscapes();
