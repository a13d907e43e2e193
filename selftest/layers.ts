/**
 * The harness's architecture, written down as rules dependency-cruiser checks (selftest/harness/layers.test.ts).
 * Each room of graders/harness/ has one purpose, and imports only from the rooms below it:
 *
 *   commands/   npm test, watch, the launcher: what people run                    (may import every room)
 *   engine/     starts vitest, its workers, the watchdog; isolation, batches      → report, sandbox, core
 *   report/     a grade's data and how it is written: scoreboard, JSON, JUnit…    → core
 *   authoring/  what a grader is written with: checks, virtual clock, network     → sandbox, core
 *   sandbox/    what walls learner code in: closed doors, fence, memfs, built-ins → core
 *   core/       paths, the exercise list, the engine↔worker contract, text        → nothing else
 *   help/       the learner's helpers (hint, try): never decide a grade           → every room but commands
 *
 * Graders (graders/*.test.ts, graders/support/) are written with authoring/, sandbox/ and core/ only.
 * tools/ (maintainers' bench, export, workflow and manifest generators) sits on top: nothing imports it.
 */
import type { IFlattenedRuleSet, IForbiddenRuleType } from "dependency-cruiser";

const ROOM = (name: string) => `^graders/harness/${name}/`;
const HARNESS = "^graders/harness/";

/** A room may import from itself and from `allowed`; any other harness room is a violation. */
function onlyBelow(room: string, allowed: readonly string[], comment: string): IForbiddenRuleType {
  return {
    name: `${room}-imports-only-${allowed.join("-") || "itself"}`,
    comment,
    severity: "error",
    from: { path: ROOM(room) },
    to: { path: HARNESS, pathNot: [room, ...allowed].map(ROOM) },
  };
}

export const LAYER_RULES: IFlattenedRuleSet = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "Modules form layers: an import cycle means two modules are one job split in two, or a layer leaks upwards.",
      severity: "error",
      from: { path: "^(graders|tools)/" },
      to: { circular: true },
    },
    onlyBelow("core", [], "core/ is the floor every room stands on: it imports no other room."),
    onlyBelow("sandbox", ["core"], "The sandbox is installed before any grader code runs; it cannot depend on the graders' tools."),
    onlyBelow("authoring", ["sandbox", "core"], "What graders are written with runs inside a worker: it never reaches the engine or the reports."),
    onlyBelow("report", ["core"], "A report is data and its renderings: it never imports the graders' authoring tools or the engine."),
    onlyBelow("engine", ["report", "sandbox", "core"], "The engine runs graders but never imports them or their authoring tools, nor the commands above it."),
    {
      name: "nothing-imports-commands",
      comment: "Commands are entry points: what they share belongs in a room below them.",
      severity: "error",
      from: { pathNot: ROOM("commands") },
      to: { path: ROOM("commands") },
    },
    {
      name: "nothing-imports-help",
      comment: "The learner's helpers never decide a grade (the manifest leaves them out), so no grading module may import them.",
      severity: "error",
      from: { pathNot: ROOM("help") },
      to: { path: ROOM("help") },
    },
    {
      name: "graders-are-written-with-authoring",
      comment: "A grader reads like a spec: it uses authoring/, sandbox/ and core/, never the engine, reports or commands.",
      severity: "error",
      from: { path: ["^graders/[^/]+\\.test\\.ts$", "^graders/support/"] },
      to: { path: HARNESS, pathNot: ["authoring", "sandbox", "core"].map(ROOM) },
    },
    {
      name: "harness-never-imports-graders",
      comment: "The harness serves every exercise: it never depends on one exercise's grader or its support module.",
      severity: "error",
      from: { path: HARNESS },
      to: { path: ["^graders/[^/]+\\.test\\.ts$", "^graders/support/"] },
    },
    {
      name: "grading-never-imports-tools",
      comment: "tools/ is for maintainers and is not shipped to learners.",
      severity: "error",
      from: { path: "^graders/" },
      to: { path: "^tools/" },
    },
    {
      name: "learner-code-stands-alone",
      comment: "Stubs and solutions are what learners write: they never import the course's machinery.",
      severity: "error",
      from: { path: "^(exercises|solutions)/" },
      to: { path: "^(graders|tools|selftest)/" },
    },
  ],
};

/** Where the rules look: everything the rules speak of. */
export const LAYER_ROOTS = ["graders", "tools", "exercises", "solutions"];
