/**
 * The learner's own type errors, as warnings next to the score: they never cost a point (the graders judge
 * what the code does), but a learner who only runs `npm test` should still see them.
 *
 * TypeScript runs in a worker thread (typecheck-worker.mjs) while the grade runs, with the course's
 * tsconfig.json, over the learner's files only, so graders and self-test never show up in the list. Watch
 * mode keeps one checker for the session: the library declarations are parsed once, a save re-checks its file.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { REPO_ROOT, displayPath } from "../core/paths.ts";
import type { TypeWarning } from "../report/report.ts";

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), "typecheck-worker.mjs");

type Reply = { id: number; warnings?: (Omit<TypeWarning, "file"> & { file: string })[]; error?: string };

export class TypeChecker {
  private readonly worker: Worker;
  private next = 0;
  private readonly waiting = new Map<number, (reply: Reply) => void>();

  constructor() {
    this.worker = new Worker(WORKER, { workerData: { tsconfig: path.join(REPO_ROOT, "tsconfig.json") } });
    this.worker.unref();
    this.worker.on("message", (reply: Reply) => {
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
    const fail = (error: unknown) => {
      for (const resolve of this.waiting.values()) resolve({ id: -1, error: String(error) });
      this.waiting.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(`the type checker stopped (exit ${code})`));
  }

  /** The type errors in `files`; [] if TypeScript itself failed (a warning must never break a grade). */
  async check(files: readonly string[]): Promise<TypeWarning[]> {
    const id = this.next++;
    const reply = await new Promise<Reply>((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ id, files: [...files] });
    });
    return (reply.warnings ?? []).map((w) => ({ ...w, file: displayPath(w.file) }));
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
