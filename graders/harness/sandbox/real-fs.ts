/**
 * The real `node:fs`, for the grader's own use: its fixtures, and the proof that learner code left the real
 * disk alone. Inside a grader worker every `node:fs` import (the grader's included) is routed to the
 * in-memory disk, and once the doors are closed `createRequire` hands out that disk too (doors.ts); this is
 * the module live-module.ts captured when the setup file loaded it, before any of that.
 * Never hand it to learner code.
 */
import { builtin } from "./live-module.ts";

export const realFs = builtin("fs") as unknown as typeof import("node:fs");
