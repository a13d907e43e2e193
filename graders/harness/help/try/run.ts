/** One `npm run try` run: load the learner's module, run its real-I/O scenario, print what it found. */
import path from "node:path";
import type { ExerciseInfo } from "../../core/exercises.ts";
import { displayPath } from "../../core/paths.ts";
import { tryDownload, DOWNLOAD_DEFAULTS, DOWNLOAD_FAST, type DownloadFiles } from "./download.ts";
import { tryEnrich, ENRICH_DEFAULTS, ENRICH_FAST, type AsyncQueueClass, type EnrichCsv } from "./enrich.ts";
import { isNotImplemented } from "../../core/errors.ts";
import { explainFailure, loadExercise } from "./load.ts";
import { outcome, renderFindings, type Outcome } from "./outcome.ts";
import { tryRetry, RETRY_DEFAULTS, RETRY_FAST, type RetryAsync } from "./retry.ts";
import type { Print } from "./timeline.ts";

export interface RunOptions {
  print: Print;
  /** Small latencies and waits (tests). */
  fast: boolean;
}

type Scenario = (mod: Record<string, unknown>, print: Print, fast: boolean) => Promise<Outcome>;

export const SCENARIOS: Record<string, Scenario> = {
  "01-download-files": (mod, print, fast) => tryDownload(mod.downloadFiles as DownloadFiles, { print, ...(fast ? DOWNLOAD_FAST : DOWNLOAD_DEFAULTS) }),
  "02-enrich-csv": (mod, print, fast) => tryEnrich(mod.enrichCsv as EnrichCsv, mod.AsyncQueue as AsyncQueueClass | undefined, { print, ...(fast ? ENRICH_FAST : ENRICH_DEFAULTS) }),
  "03-retry-async": (mod, print, fast) => tryRetry(mod.retryAsync as RetryAsync, { print, ...(fast ? RETRY_FAST : RETRY_DEFAULTS) }),
};

export async function runTry(info: ExerciseInfo, targetDir: string, { print, fast }: RunOptions): Promise<Outcome> {
  const scenario = SCENARIOS[info.id];
  const number = info.id.slice(0, 2);
  print(`try ${info.id} — ${info.title}`);
  print(`running ${displayPath(path.join(targetDir, `${info.id}.ts`))} against a real server on 127.0.0.1 and a real folder\n`);
  let result: Outcome;
  let notStarted = false;
  try {
    if (!scenario) throw new Error(`there is no try scenario for ${info.id} yet`);
    result = await scenario(await loadExercise(info, targetDir), print, fast);
  } catch (error) {
    notStarted = isNotImplemented(error);
    result = outcome([{ ok: false, text: explainFailure(error, info, targetDir) }]);
  }
  print("");
  print(renderFindings(result));
  print("");
  print(
    notStarted
      ? `Nothing to watch yet: write the function first, then try again. Stuck? \`npm run hint -- ${number}\``
      : result.ok && !result.partial
      ? "For real, your code does what the graders check. 🎉"
      : result.ok
        ? `For real, what try could judge matches the graders (– marks what it could not). \`npm test -- ${number}\` judges everything.`
        : `Something differs from what the graders check: \`npm test -- ${number}\` says more. Stuck? \`npm run hint -- ${number}\``,
  );
  return result;
}
