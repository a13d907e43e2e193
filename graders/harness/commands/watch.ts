/**
 * npm run watch [-- <exercise>]: vitest in watch mode over the learner's files. After every run (every
 * save) the terminal shows the scoreboard, the progress bar and the next check to work on, and
 * reports/grade.html is rewritten: the report with pictures, which reloads itself while watch mode runs.
 */
import { mkdtempSync, readdirSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { observeModule } from "../engine/collector.ts";
import { DEFAULT_HANG_MS, applyHang, confirmPasses, createGradingVitest, graderFile, projectFor, withPool } from "../engine/engine.ts";
import { findExercise } from "../core/exercises.ts";
import { modifiedFiles } from "../core/integrity.ts";
import { targetDir } from "../core/contract.ts";
import { HTML_REPORT, REPO_ROOT, displayDir, htmlReportLine, toPosixPath } from "../core/paths.ts";
import { writeFileMakingDirs } from "../core/files.ts";
import { renderHtml } from "../report/html.ts";
import { progressKey, readProgress } from "../core/progress.ts";
import { buildReport, type GradeReport, type ObservedModule, type TypeWarning } from "../report/report.ts";
import { renderScoreboard } from "../report/scoreboard.ts";
import { onShutdown } from "../engine/shutdown.ts";
import { TypeChecker } from "../engine/typecheck.ts";
import { Watchdog } from "../engine/watchdog.ts";
import { closeWarmPool, warmForks } from "../engine/warm-pool.ts";
import { forTerminal, terminalStyle } from "../report/terminal.ts";

const args = process.argv.slice(2);
const exercises = args.filter((a) => !a.startsWith("--")).map((a) => {
  const info = findExercise(a);
  if (!info) {
    console.error(`unknown exercise "${a}": use a number (03), a name (retry-async) or an id (03-retry-async)`);
    process.exit(2);
  }
  return info.id;
});
const target = targetDir();
const progressDir = mkdtempSync(path.join(tmpdir(), "grade-watch-"));
onShutdown(() => rmSync(progressDir, { recursive: true, force: true }));
progressKey(); // before any worker (or the spare) starts: they inherit it (progress.ts)
const watchdog = new Watchdog(progressDir, DEFAULT_HANG_MS);
const tty = process.stdout.isTTY;
const style = terminalStyle();

const checker = new TypeChecker();
/** How often the HTML report reloads itself while watch mode runs. */
const RELOAD_SECONDS = 2;
let lastReport: GradeReport | undefined;
// However watch ends (q, Ctrl-C, a closed terminal), the report stays, without its reload: nothing rewrites it any more.
onShutdown(() => void (lastReport && writeFileMakingDirs(HTML_REPORT, renderHtml(lastReport))));

class WatchScoreboard implements Reporter {
  private started = 0;
  /** Latest result of every grader file: a rerun of one file keeps the others' scores. */
  private readonly latest = new Map<string, ObservedModule>();

  /** The learner's type errors, looked for while each run grades (typecheck.ts). */
  private typeErrors: Promise<TypeWarning[]> = Promise.resolve([]);

  onTestRunStart(): void {
    this.started = performance.now();
    this.typeErrors = checker.checkTarget(target, exercises);
    // This run's logs only: a pass is confirmed by the worker that ran it now (confirmPasses).
    for (const name of readdirSync(progressDir)) rmSync(path.join(progressDir, name), { force: true });
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const observed = modules.map((m) => observeModule(m));
    for (const hung of watchdog.hung.splice(0)) applyHang(observed, hung, DEFAULT_HANG_MS);
    confirmPasses(observed, [...readProgress(progressDir).values()].flat(), "watch");
    for (const m of observed) this.latest.set(m.file, m);
    const modified = modifiedFiles();
    const typeErrors = await this.typeErrors;
    const report = { ...buildReport(target, [...this.latest.values()], exercises), ...(modified.length ? { modified } : {}), ...(typeErrors.length ? { typeErrors } : {}) };
    if (tty) console.clear(); // also on consoles without escape sequences (legacy Windows console)
    const width = tty ? process.stdout.columns : undefined;
    console.log(forTerminal(renderScoreboard(report, { color: style.color, compact: true, ...(width ? { width } : {}) }), style));
    console.log(forTerminal(`\ngraded in ${Math.round(performance.now() - this.started)} ms · watching ${displayDir(target)} — save a file to grade again, q to quit`, style));
    console.log(forTerminal(htmlReportLine(), style));
    lastReport = report;
    writeFileMakingDirs(HTML_REPORT, renderHtml(report, { reloadSeconds: RELOAD_SECONDS }));
  }
}

const vitest = await createGradingVitest(
  [new WatchScoreboard()],
  // A spare worker process is kept booted between saves (warm-pool.ts): a save does not wait for one to start.
  [withPool(projectFor({ label: "watch", target, exercises }, progressDir), warmForks())],
  { watch: true },
);
onShutdown(closeWarmPool);

/**
 * `q` quits, as in vitest and rustlings (in a terminal the keys come one by one, so Ctrl-C is read here
 * too); from a pipe, a line "q" does. Everything is stopped and the temporary folder removed on exit.
 * Keys are read before the first grade starts: a Ctrl-C typed as soon as the first score shows is a key,
 * not a SIGINT of a terminal still in cooked mode.
 */
let quitting = false;
async function quit(): Promise<void> {
  if (quitting) return;
  quitting = true;
  console.log(forTerminal("\nwatch stopped.", style));
  setTimeout(() => process.exit(0), 3_000).unref(); // whatever vitest still waits for
  await vitest.close().catch(() => undefined);
  process.exit(0);
}
if (process.stdin.isTTY) process.stdin.setRawMode(true);
process.stdin.setEncoding("utf8");
process.stdin.on("data", (keys: string) => {
  if (/^q\s*$|\u0003/i.test(keys)) void quit();
});

watchdog.start();
await vitest.start();

/**
 * Regrade on save. vitest's own watcher misses the learner's file (graders import it by a path chosen at
 * run time), so the target folder is watched here: a save reruns only that exercise's grader.
 */
const project = vitest.getProjectByName("watch");
let pending: NodeJS.Timeout | undefined;
const changed = new Set<string>();
watch(target, (_event, name) => {
  const info = name ? findExercise(String(name)) : undefined;
  if (!info || !String(name).endsWith(".ts") || (exercises.length && !exercises.includes(info.id))) return;
  // At once, before grading starts: the result on screen is from before this save.
  if (!changed.size && !pending) console.log(forTerminal(`\n⟳ grading ${info.id}… (the result above is from before your save)`, style));
  changed.add(info.id);
  clearTimeout(pending);
  pending = setTimeout(() => {
    const ids = [...changed];
    changed.clear();
    pending = undefined;
    // vite keys its module graph by forward-slash paths, also on Windows (C:/course/exercises/…).
    for (const id of ids) vitest.invalidateFile(toPosixPath(path.join(target, `${id}.ts`)));
    void vitest.rerunTestSpecifications(ids.map((id) => project.createSpecification(graderFile(id))));
  }, 30);
});
