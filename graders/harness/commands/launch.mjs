// Starts a TypeScript entry point that drives vitest (the grading engine, watch mode, the self-test's
// batch grader). vitest is imported first, before tsx's loader is registered: loading vitest's few hundred
// modules through tsx's hooks costs seconds, and `node --import tsx` would also hand those hooks to every
// vitest worker process. After that, tsx handles our own .ts files as usual.
//   node graders/harness/commands/launch.mjs <entry.ts> [args...]
import path from "node:path";
import { pathToFileURL } from "node:url";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node graders/harness/commands/launch.mjs <entry.ts> [args...]");
  process.exit(2);
}
await import("vitest/node");
const { register } = await import("tsx/esm/api");
register();
process.argv = [process.argv[0], path.resolve(entry), ...args];
await import(pathToFileURL(path.resolve(entry)).href);
