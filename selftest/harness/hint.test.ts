/** npm run hint: progressive hints, one level per call, remembered per exercise, never the solution. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { EXERCISES } from "../../graders/harness/core/exercises.ts";
import { brief, hintsFile, main, parseHints, readLevels } from "../../graders/harness/help/hint.ts";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";

const HINTS = `# Hints for 03-retry-async

Intro text that is not a hint.

## Hint 1 — Loop

Count attempts. Then more text.

## Hint 2

Use await. It waits.

## Hint 3: Schedule

- The wait doubles. Every time.

## Hint 4 — Shape

\`\`\`ts
for (;;) {}
\`\`\`
Fill it in.
`;

/** A scratch repository root with fixtures/03-retry-async/hints.md, and a state file of its own. */
function scratch(markdown = HINTS) {
  const root = mkdtempSync(path.join(tmpdir(), "hint-"));
  mkdirSync(path.join(root, "fixtures", "03-retry-async"), { recursive: true });
  writeFileSync(hintsFile("03-retry-async", root), markdown);
  return { root, stateFile: path.join(root, ".hints.json") };
}

describe("parseHints", () => {
  test("reads the ## Hint N sections in order, with their titles", () => {
    const hints = parseHints(HINTS);
    expect(hints.map((h) => [h.level, h.title])).toEqual([[1, "Loop"], [2, ""], [3, "Schedule"], [4, "Shape"]]);
    expect(hints[0]!.body).toBe("Count attempts. Then more text.");
    expect(hints[3]!.body).toContain("for (;;) {}");
  });

  test("refuses hints out of order", () => {
    expect(() => parseHints("## Hint 1\na\n## Hint 3\nb")).toThrow(/numbered 1, 2, 3/);
  });

  test("brief: the title and the first sentence", () => {
    const [one, two, three, four] = parseHints(HINTS);
    expect(brief(one!)).toBe("Loop — Count attempts.");
    expect(brief(two!)).toBe("Use await.");
    expect(brief(three!)).toBe("Schedule — The wait doubles.");
    expect(brief(four!)).toBe("Shape — Fill it in.");
  });
});

describe("npm run hint", () => {
  test("each call shows the next level in full and the earlier ones briefly, then stays on the last", () => {
    const s = scratch();
    const calls = [1, 2, 3, 4, 5].map(() => main(["03"], s));
    expect(calls.every((c) => c.code === 0)).toBe(true);
    expect(calls[0]!.text).toContain("(hint 1 of 4)");
    expect(calls[0]!.text).toContain("▶ Hint 1 — Loop");
    expect(calls[0]!.text).toContain("Count attempts. Then more text.");
    expect(calls[0]!.text).not.toContain("Use await");
    expect(calls[0]!.text).toContain("3 left");

    expect(calls[2]!.text).toContain("(hint 3 of 4)");
    expect(calls[2]!.text).toContain("  1. Loop — Count attempts.\n  2. Use await.");
    expect(calls[2]!.text).not.toContain("Then more text"); // earlier levels only briefly
    expect(calls[2]!.text).toContain("▶ Hint 3 — Schedule");

    expect(calls[3]!.text).toContain("That was the last hint");
    expect(calls[4]!.text).toBe(calls[3]!.text);
    expect(readLevels(s.stateFile)).toEqual({ "03-retry-async": 4 });
  });

  test("exercise by number, name or id share one level", () => {
    const s = scratch();
    main(["03"], s);
    expect(main(["retry-async"], s).text).toContain("(hint 2 of 4)");
    expect(main(["03-retry-async"], s).text).toContain("(hint 3 of 4)");
  });

  test("--reset starts one exercise over, or all of them", () => {
    const s = scratch();
    main(["03"], s);
    main(["03"], s);
    writeFileSync(s.stateFile, JSON.stringify({ ...readLevels(s.stateFile), "01-download-files": 2 }));
    expect(main(["03", "--reset"], s).code).toBe(0);
    expect(readLevels(s.stateFile)).toEqual({ "01-download-files": 2 });
    expect(main(["03"], s).text).toContain("(hint 1 of 4)");
    expect(main(["--reset"], s).code).toBe(0);
    expect(existsSync(s.stateFile)).toBe(false);
  });

  test("friendly errors: unknown exercise, no hints yet, no argument, a broken state file", () => {
    const s = scratch();
    expect(main(["07"], s)).toMatchObject({ code: 2, text: expect.stringContaining('unknown exercise "07"') });
    expect(main(["01"], s)).toMatchObject({ code: 1, text: expect.stringContaining("no hints for 01-download-files yet") });
    expect(main([], s)).toMatchObject({ code: 2, text: expect.stringContaining("usage: npm run hint") });
    writeFileSync(s.stateFile, "{ not json");
    expect(main(["03"], s).text).toContain("(hint 1 of 4)");
  });
});

describe("the course's hints", () => {
  const withHints = EXERCISES.filter((e) => existsSync(hintsFile(e.id)));

  test("exercise 03 has hints", () => {
    expect(withHints.map((e) => e.id)).toContain("03-retry-async");
  });

  test.each(withHints.map((e) => e.id))("%s: 4 levels, each with a body", (id) => {
    const hints = parseHints(readFileSync(hintsFile(id), "utf8"));
    expect(hints.map((h) => h.level)).toEqual([1, 2, 3, 4]);
    for (const h of hints) expect(h.body.length, `hint ${h.level} body`).toBeGreaterThan(80);
  });

  test.each(withHints.map((e) => e.id))("%s: no hint gives the solution away", (id) => {
    const text = readFileSync(hintsFile(id), "utf8");
    const solution = readFileSync(path.join(REPO_ROOT, "solutions", `${id}.ts`), "utf8");
    // The reference solution's lines of code (beyond trivial ones): a skeleton may share a line or two, never most.
    const lines = solution
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.length > 25 && !/^(\/\/|\*|\/\*|export |import )/.test(l));
    const shared = lines.filter((l) => text.includes(l));
    expect(shared.length / lines.length, `hints repeat these solution lines:\n${shared.join("\n")}`).toBeLessThan(1 / 3);
  });
});
