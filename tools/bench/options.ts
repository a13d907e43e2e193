/** `npm run bench` options and their parsing. Pure. */
import path from "node:path";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";

export const SECTIONS = ["grade", "profile", "watch", "batch", "html"] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  runs: number;
  saves: number;
  batchSizes: number[];
  /** Runs of each batch size below 50. */
  batchRuns: number;
  /** Runs of batch sizes of 50 or more (each costs minutes on a small machine). */
  largeRuns: number;
  /** Samples of renderHtml and of each page's load in Chromium (html section). */
  htmlRuns: number;
  sections: Section[];
  experiments: boolean;
  /** Where the report goes (undefined: printed only). */
  out?: string;
  quick: boolean;
}

export const BENCH_USAGE = `usage: npm run bench -- [--runs N] [--saves N] [--batch 1,10,50] [--batch-runs N] [--large-runs N] [--html-runs N] [--quick]
                        [--only ${SECTIONS.join(",")},experiments] [--experiments] [--out FILE | --no-write]
  --runs N        repetitions of the grade, the floor and the profile (default 3)
  --saves N       saves in the watch-mode session, cycling through the exercises (default 9)
  --batch LIST    batch sizes (default 1,10,50)
  --batch-runs N  repetitions of each batch size below 50 (default 2)
  --large-runs N  repetitions of batch sizes of 50 and more (default 1)
  --html-runs N   samples of renderHtml and of each HTML page's load in Chromium (default 15)
  --quick         a smoke run: --runs 1 --saves 3 --batch 1,5 --batch-runs 1 --html-runs 3
  --only LIST     only these sections (experiments included)
  --experiments   also time variants of the vitest options (workers, pool, isolation, module cache)
  --out FILE      where to write the report (default BENCHMARKS.md); --no-write prints it only`;

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a positive whole number; got "${value ?? ""}"\n${BENCH_USAGE}`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const quick = argv.includes("--quick");
  const options: BenchOptions = {
    runs: quick ? 1 : 3,
    saves: quick ? 3 : 9,
    batchSizes: quick ? [1, 5] : [1, 10, 50],
    batchRuns: quick ? 1 : 2,
    largeRuns: 1,
    htmlRuns: quick ? 3 : 15,
    sections: [...SECTIONS],
    experiments: false,
    out: path.join(REPO_ROOT, "BENCHMARKS.md"),
    quick,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => argv[++i];
    switch (flag) {
      case "--quick":
        break;
      case "--runs":
        options.runs = positiveInt(flag, value());
        break;
      case "--saves":
        options.saves = positiveInt(flag, value());
        break;
      case "--batch-runs":
        options.batchRuns = positiveInt(flag, value());
        break;
      case "--large-runs":
        options.largeRuns = positiveInt(flag, value());
        break;
      case "--html-runs":
        options.htmlRuns = positiveInt(flag, value());
        break;
      case "--batch": {
        const list = value() ?? "";
        options.batchSizes = list.split(",").map((s) => positiveInt(flag, s.trim()));
        break;
      }
      case "--only": {
        const list = (value() ?? "").split(",").map((s) => s.trim());
        const unknown = list.filter((s) => s !== "experiments" && !(SECTIONS as readonly string[]).includes(s));
        if (unknown.length || !list.length || !list[0]) throw new Error(`--only takes some of ${SECTIONS.join(",")},experiments; got "${list.join(",")}"\n${BENCH_USAGE}`);
        options.sections = SECTIONS.filter((s) => list.includes(s));
        options.experiments ||= list.includes("experiments");
        break;
      }
      case "--experiments":
        options.experiments = true;
        break;
      case "--out":
        options.out = path.resolve(value() ?? "BENCHMARKS.md");
        break;
      case "--no-write":
        delete options.out;
        break;
      case "--help":
      case "-h":
        throw new Error(BENCH_USAGE);
      default:
        throw new Error(`unknown option ${flag}\n${BENCH_USAGE}`);
    }
  }
  return options;
}

/** How many times a batch of `size` submissions is graded. */
export function runsForBatch(size: number, options: Pick<BenchOptions, "batchRuns" | "largeRuns">): number {
  return size >= 50 ? options.largeRuns : options.batchRuns;
}
