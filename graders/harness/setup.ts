/**
 * vitest setup file for every grader file: routes the builtins learner code may use to the grader's
 * sandbox, in every import style (default, named, namespace; with or without the `node:` prefix).
 *   fs, fs/promises         → a fresh in-memory memfs volume per check (disk.ts)
 *   http, https             → the CommonJS modules MSW patches (network.ts), so no request leaves
 *   timers, timers/promises → the CommonJS modules fake-timers patches (clock.ts)
 * Mocks must be declared here, not in a module imported once: vitest applies setup files to every file.
 */
import { beforeEach, vi } from "vitest";
import { freshDisk } from "./disk.ts";
import { watchEscapes } from "./escapes.ts";

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

beforeEach(() => freshDisk());
watchEscapes();
