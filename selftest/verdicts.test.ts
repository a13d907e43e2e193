/**
 * Proves every grader right: the reference solutions get full marks, the stubs get 0 with the
 * "not started" message on every check, and every known submission gets exactly its declared verdict.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { EXERCISES } from "../graders/harness/core/exercises.ts";
import { REPO_ROOT } from "../graders/harness/core/paths.ts";
import type { GradeReport } from "../graders/harness/report/report.ts";
import { renderScoreboard } from "../graders/harness/report/scoreboard.ts";
import { knownSubmissions, type KnownSubmission } from "./known.ts";
import { fromClassroom50, fromClassroomReporter, fromGradebook, fromGradescope, fromHtml, fromJson, fromJUnit, fromScoreboard, workflowRunners, type Points } from "./paths.ts";

const submissions = knownSubmissions();
const hostile = knownSubmissions(REPO_ROOT, "hostile");
let reports: Map<string, GradeReport>;
let seconds = 0;
let rounds: { seed: number; runs: { label: string; report: GradeReport }[] }[] = [];

/** "check-id: status" (and whether it reports a leak) for every check of a report: what must not change between rounds. */
function verdicts(report: GradeReport): string[] {
  return report.exercises.flatMap((e) => e.tests.map((t) => `${e.id}/${t.id}: ${t.status}${t.leak ? " (leak)" : ""}`)).sort();
}

/** Runs a repository script that drives vitest in a clean child process (not inside this vitest worker). */
export function runTsx(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS"));
  return execFileSync(process.execPath, ["graders/harness/commands/launch.mjs", ...args], { cwd: REPO_ROOT, env: { ...clean, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Files hostile submissions try to write on the real disk (the escape-* hostile submissions): none may appear. */
const escapedMarkers = () => readdirSync(tmpdir()).filter((name) => name.startsWith("async-course-escaped-"));
/**
 * Running processes whose command line names a marker (the detached-child submission's would): read from
 * /proc on Linux, from `ps` elsewhere on POSIX. Windows has neither; there the self-test cannot look.
 */
function processesNaming(marker: string): string[] {
  if (process.platform === "linux") {
    return readdirSync("/proc").filter((pid) => /^\d+$/.test(pid)).flatMap((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
        return args.includes(marker) ? [`${pid}: ${args}`] : [];
      } catch {
        return []; // ended meanwhile
      }
    });
  }
  if (process.platform === "win32") return [];
  return execFileSync("ps", ["-A", "-o", "pid=,args="], { encoding: "utf8" }).split("\n").filter((line) => line.includes(marker));
}
/** A real listener on loopback that hostile submissions try to reach (raw-socket): no connection may arrive. */
const listener = createServer((socket) => {
  connections++;
  socket.destroy();
});
let connections = 0;
afterAll(() => void listener.close());

beforeAll(async () => {
  for (const name of escapedMarkers()) rmSync(path.join(tmpdir(), name), { force: true });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const port = (listener.address() as AddressInfo).port;
  const out = path.join(mkdtempSync(path.join(tmpdir(), "selftest-")), "known.json");
  runTsx(["selftest/grade-known.ts", out], { GRADE_SELFTEST_LISTENER_PORT: String(port) });
  const data = JSON.parse(readFileSync(out, "utf8")) as {
    seconds: number;
    runs: { label: string; report: GradeReport }[];
    rounds: { seed: number; runs: { label: string; report: GradeReport }[] }[];
  };
  reports = new Map(data.runs.map((r) => [r.label, r.report]));
  rounds = data.rounds;
  seconds = data.seconds;
});

describe("reference solutions", () => {
  test.each(EXERCISES.map((e) => e.id))("%s gets full marks", (id) => {
    const ex = reports.get("solutions")!.exercises.find((e) => e.id === id)!;
    const missed = ex.tests.filter((t) => t.status !== "passed").map((t) => `${t.id}: ${t.message}`);
    expect(missed, `solutions/${id}.ts missed checks`).toEqual([]);
    expect(ex.score).toBe(ex.maxScore);
    expect(ex.status).toBe("passed");
    expect(ex.tests.filter((t) => t.leak).map((t) => `${t.id}: ${t.leak}`), `solutions/${id}.ts leaks`).toEqual([]);
  });
});

describe("stubs", () => {
  test.each(EXERCISES.map((e) => e.id))("%s scores 0, every check saying 'not started yet'", (id) => {
    const ex = reports.get("stubs")!.exercises.find((e) => e.id === id)!;
    expect(ex.tests.length).toBeGreaterThan(0);
    expect(ex.score).toBe(0);
    for (const t of ex.tests) expect(`${t.id}: ${t.status} ${t.message}`).toBe(`${t.id}: failed not started yet — open exercises/${id}.ts`);
  });
});

describe("known submissions", () => {
  test("each exercise has at least 3 correct and 8 wrong known submissions", () => {
    for (const { id } of EXERCISES) {
      const mine = submissions.filter((s) => s.exercise === id);
      expect(mine.filter((s) => s.fails.length === 0).length, id).toBeGreaterThanOrEqual(3);
      expect(mine.filter((s) => s.fails.length > 0).length, id).toBeGreaterThanOrEqual(8);
      expect(mine.filter((s) => s.name.startsWith("correct-")).every((s) => s.fails.length === 0), `${id}: correct-* means full marks`).toBe(true);
    }
  });

  test.each(submissions.map((s) => [`${s.exercise}/${s.name}`, s] as const))("%s gets its declared verdict", (label, s) => {
    expectVerdict(reports.get(label)!, s);
  });
});

/** The exercise's failing checks are exactly the declared ones, with the declared kind of message. */
function expectVerdict(report: GradeReport, s: KnownSubmission): void {
  const ex = report.exercises.find((e) => e.id === s.exercise)!;
  const ids = ex.tests.map((t) => t.id);
  const declared = s.fails === "all" ? [...ids].sort() : s.fails;
  for (const id of declared) expect(ids, `declared check id "${id}" does not exist in ${s.exercise}`).toContain(id);
  const failing = ex.tests.filter((t) => t.status !== "passed");
  const detail = failing.map((t) => `${t.id}: ${t.message}`).join("\n");
  expect(failing.map((t) => t.id).sort(), `verdict of ${s.exercise}/${s.name}\n${detail}`).toEqual(declared);
  if (declared.length === 0) expect(ex.score).toBe(ex.maxScore);
  if (s.message) for (const t of failing) expect(t.message, `${t.id} of ${s.name}`).toMatch(s.message);
  for (const t of failing) expect(t.message, `${t.id} of ${s.name} shows a harness stack trace`).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expectLeaks(ex, s);
}

/** Exactly the declared checks report a leak, in their message when they failed. */
function expectLeaks(ex: GradeReport["exercises"][number], s: KnownSubmission): void {
  const leaking = ex.tests.filter((t) => t.leak);
  expect(leaking.map((t) => t.id).sort(), `checks of ${s.exercise}/${s.name} that report a leak\n${leaking.map((t) => `${t.id}: ${t.leak}`).join("\n")}`).toEqual(s.leaks);
  for (const t of leaking) {
    expect(t.leak).toMatch(/^⚠ leak: when \w+\(\) (resolved|rejected), .*(still pending|still in flight)/);
    if (t.status !== "passed") expect(t.message, `${t.id} of ${s.name}: a failed check's message ends with its leak`).toMatch(/\n⚠ leak: /);
  }
}

describe("paths agree: one grade, the same points in every output, check by check", () => {
  /** The solutions, the stubs, and every known submission that earns some but not all of its exercise's points. */
  const partial = (label: string, s: KnownSubmission) => {
    const ex = reports.get(label)?.exercises.find((e) => e.id === s.exercise);
    return ex !== undefined && ex.score > 0 && ex.score < ex.maxScore;
  };
  const labels = () => ["solutions", "stubs", ...submissions.map((s) => [`${s.exercise}/${s.name}`, s] as const).filter(([label, s]) => partial(label, s)).map(([label]) => label)];

  test("the cases include at least 20 partial submissions, from every exercise", () => {
    const found = labels().slice(2);
    expect(found.length).toBeGreaterThanOrEqual(20);
    for (const { id } of EXERCISES) expect(found.some((l) => l.startsWith(id)), id).toBe(true);
  });

  test("JSON = Gradescope = JUnit = Classroom 50 = the Classroom reporter = the HTML report = the scoreboard = the gradebook", () => {
    const runners = workflowRunners();
    for (const label of labels()) {
      const report = reports.get(label)!;
      const json = fromJson(report);
      const same = (name: string, points: Points, keys = Object.keys({ ...json, ...points })) => {
        const differ = keys.filter((k) => json[k] !== points[k]).map((k) => `${k}: JSON ${json[k]}, ${name} ${points[k]}`);
        expect(differ, `${label}: ${name}`).toEqual([]);
      };
      same("Gradescope", fromGradescope(report));
      same("JUnit", fromJUnit(report));
      same("Classroom 50", fromClassroom50(report));
      same("the HTML report", fromHtml(report));
      // (A known submission is graded alone: the workflow's runners of its own exercise.)
      const graded = new Set(report.exercises.map((e) => e.id));
      same("the Classroom reporter", fromClassroomReporter(report, runners.filter((r) => graded.has(r.exercise))));
      // The scoreboard lists no checks for an exercise not started; its exercise lines and total say the rest.
      const board = fromScoreboard(report);
      same("the scoreboard", board, Object.keys(board).filter((k) => k in json));
      const book = fromGradebook(report);
      for (const ex of report.exercises) {
        expect(`${label} ${ex.id}: ${board[ex.id]} ${book[ex.id]}`).toBe(`${label} ${ex.id}: ${ex.score}/${ex.maxScore} ${ex.score}`);
      }
      expect(`${label}: ${book.total}`).toBe(`${label}: ${json.total}`);
    }
  });
});

describe("the README's sample scoreboard", () => {
  test("is what npm test prints for 01 solved, 02 with a single worker and 03 not started ('…' stands for lines left out)", () => {
    const parts = [reports.get("solutions")!, reports.get("02-enrich-csv/wrong-single-worker")!, reports.get("stubs")!].map((r, i) => r.exercises.find((e) => e.id === EXERCISES[i]!.id)!);
    const report: GradeReport = { target: path.join(REPO_ROOT, "exercises"), score: parts.reduce((s, e) => s + e.score, 0), maxScore: 100, exercises: parts };
    const printed = renderScoreboard(report).split("\n");
    const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const sample = /```\n(Async TypeScript — scoreboard for exercises\/\n[\s\S]*?)\n```/.exec(readme)?.[1]?.split("\n");
    expect(sample, "a scoreboard code block in README.md").toBeDefined();
    // Each README line is the next printed line, or "…" skipping one or more printed lines.
    let at = 0;
    for (const line of sample!) {
      if (line.trim() === "…") {
        at++;
        continue;
      }
      const found = printed.indexOf(line, at);
      expect(found, `README line not printed here (or out of order): ${JSON.stringify(line)}`).toBeGreaterThanOrEqual(at);
      expect(found === at || sample![sample!.indexOf(line) - 1]?.trim() === "…", `lines were left out before ${JSON.stringify(line)} without a "…"`).toBe(true);
      at = found + 1;
    }
    expect(at, "the sample ends where the scoreboard ends").toBe(printed.length);
  });
});

describe("hostile submissions cost only their own exercise", () => {
  test.each(hostile.map((s) => [`${s.exercise}/${s.name}`, s] as const))("%s", (label, s) => {
    const report = reports.get(`hostile:${label}`)!;
    expectVerdict(report, s);
    for (const other of report.exercises.filter((e) => e.id !== s.exercise)) {
      expect(`${other.id} ${other.score}/${other.maxScore}`, `${label} must not cost ${other.id} anything`).toBe(`${other.id} ${other.maxScore}/${other.maxScore}`);
    }
  });

  test("nothing reached the real disk or a real listener, and no process outlives the grade (the escape-*, raw-socket, child-process and detached-child submissions tried)", () => {
    expect(escapedMarkers(), "files written on the real disk by learner code").toEqual([]);
    expect(connections, "connections that reached a real listener on 127.0.0.1").toBe(0);
    expect(processesNaming("async-course-escaped-"), "processes started by learner code that are still running").toEqual([]);
  });

  test("the process scan sees a running process naming the marker (so its empty answer above means something)", async () => {
    if (process.platform === "win32") return;
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)", "async-course-control-marker"], { stdio: "ignore" });
    try {
      await new Promise((resolve) => child.once("spawn", resolve));
      expect(processesNaming("async-course-control-marker")).toHaveLength(1);
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("a missing file is an error for that exercise only", () => {
    const report = reports.get("missing-file")!;
    const ex = report.exercises.find((e) => e.id === "03-retry-async")!;
    expect(ex).toMatchObject({ score: 0, status: "error" });
    expect(ex.message).toMatch(/no-such-file\.ts is missing/);
    expect(report.score).toBe(70);
  });

  test("the whole batch, hangs included, finished in bounded time", () => {
    expect(seconds).toBeLessThan(600); // each hang is stopped after 10 s; the rest is machine speed
  });
});

describe("the same submission always gets the same score", () => {
  test("at least two more rounds ran, with shuffled check order", () => {
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(new Set(rounds.map((r) => r.seed)).size).toBe(rounds.length);
  });

  test("every verdict of the solutions, the stubs and the known submissions is the same in every round", () => {
    const changed: string[] = [];
    for (const round of rounds) {
      for (const { label, report } of round.runs) {
        const first = verdicts(reports.get(label)!);
        const again = verdicts(report);
        if (first.join("\n") !== again.join("\n")) {
          changed.push(`${label} (seed ${round.seed}): ${again.filter((v) => !first.includes(v)).join("; ")}`);
        }
      }
    }
    expect(changed).toEqual([]);
  });
});

describe.skipIf(process.env.SELFTEST_WINDOWS_PATHS === "0")("Windows paths: the learner's path.join writes \\ (path.win32), memfs reads it as on Windows", () => {
  const labels = () => [...reports.keys()].filter((label) => label.startsWith("win32:"));

  test("the solutions and the known submissions of 01 and 02 were graded that way too", () => {
    expect(labels()).toContain("win32:solutions");
    expect(labels().filter((l) => l.startsWith("win32:01-download-files/")).length).toBe(submissions.filter((s) => s.exercise === "01-download-files").length);
  });

  test("every verdict is the one the same code gets with POSIX paths", () => {
    const differ = labels().flatMap((label) => {
      const native = verdicts(reports.get(label.slice("win32:".length))!);
      const windows = verdicts(reports.get(label)!);
      return native.join("\n") === windows.join("\n") ? [] : [`${label}: ${windows.filter((v) => !native.includes(v)).join("; ")}`];
    });
    expect(differ).toEqual([]);
  });
});

describe("the coverage audit (graders/COVERAGE.md) names every check, and only checks that exist", () => {
  const audit = readFileSync(path.join(REPO_ROOT, "graders", "COVERAGE.md"), "utf8");
  /** "## <exercise id>" sections: the clause rows (first table) and every `name` the section mentions. */
  const sections = new Map(
    audit.split(/^## /m).slice(1).map((text) => {
      const id = text.split("\n")[0]!.trim();
      const tables = text.split(/\n\n/).filter((block) => block.trimStart().startsWith("|"));
      const clauses = (tables[0] ?? "").split("\n").slice(2).filter((row) => row.startsWith("|"));
      return [id, { clauses, text }] as const;
    }),
  );

  test.each(EXERCISES.map((e) => e.id))("%s", (id) => {
    const section = sections.get(id);
    expect(section, `graders/COVERAGE.md has no "## ${id}" section`).toBeDefined();
    const checks = reports.get("solutions")!.exercises.find((e) => e.id === id)!.tests.map((t) => t.id);
    const cell = (row: string) => row.split("|").at(-2) ?? "";
    const named = new Set(section!.clauses.flatMap((row) => [...cell(row).matchAll(/`([\w-]+)`/g)].map((m) => m[1]!)));
    expect(section!.clauses.filter((row) => !/`[\w-]+`/.test(cell(row))), "clauses that name no check").toEqual([]);
    expect([...named].filter((c) => !checks.includes(c)), "checks named in the audit that the grader does not have").toEqual([]);
    expect(checks.filter((c) => !named.has(c)), "checks of the grader that no clause names").toEqual([]);
    const known = new Set(submissions.filter((s) => s.exercise === id).map((s) => s.name));
    const proofs = [...section!.text.matchAll(/`(correct-[\w-]+)`/g)].map((m) => m[1]!);
    expect(proofs.filter((p) => !known.has(p)), "correct submissions the audit names that do not exist").toEqual([]);
  });
});
