/**
 * The harness's architecture, written down once: its rooms (graders/harness/<room>/), what each is for and
 * which rooms it may import. dependency-cruiser checks the rules made from it (selftest/harness/layers.test.ts),
 * and README's layout section is generated from it (tools/layout.ts).
 *
 * Graders (graders/*.test.ts, graders/support/) are written with authoring/, sandbox/ and core/ only.
 * tools/ (the maintainers' bench, export, workflow, manifest and layout generators) sits on top: nothing imports it.
 */
import type { IFlattenedRuleSet, IForbiddenRuleType } from "dependency-cruiser";

export interface Room {
  name: string;
  purpose: string;
  /** The rooms it may import besides itself; undefined: any room but commands/. */
  imports?: readonly string[];
}

/** Top to bottom. */
export const ROOMS: readonly Room[] = [
  { name: "commands", purpose: "what people run: npm test / grade, watch mode, the launcher" },
  { name: "help", purpose: "the learner's helpers, hint and try: shipped, but never deciding a grade (not in the manifest)" },
  { name: "engine", purpose: "grading runs: vitest and its workers, the watchdog, the isolated child process, batches", imports: ["report", "sandbox", "core"] },
  { name: "report", purpose: "a grade as data, and every way it is written: scoreboard, JSON, JUnit, markdown, Classroom, Gradescope", imports: ["core"] },
  { name: "authoring", purpose: "what a grader is written with: checks, teaching messages, the virtual clock, the mock network", imports: ["sandbox", "core"] },
  { name: "sandbox", purpose: "what walls learner code in: builtins routed or closed, the import fence, memfs, built-ins watched, permissions", imports: ["core"] },
  { name: "core", purpose: "the floor: paths, the exercise catalogue, the engine↔worker contract, the signed progress log, text", imports: [] },
];

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
    ...ROOMS.filter((room) => room.imports).map((room) => onlyBelow(room.name, room.imports!, `${room.name}/: ${room.purpose}. It imports only ${room.imports!.map((r) => `${r}/`).join(", ") || "itself"}.`)),
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
