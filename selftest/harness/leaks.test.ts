import { expect, test } from "vitest";
import { addLeakProbe, findLeaks, leakMessage } from "../../graders/harness/authoring/leaks.ts";

test("findLeaks asks every registered probe and keeps what they found", () => {
  const before = findLeaks().length;
  let running: string | undefined = "1 request was still in flight (GET http://x.test/a)";
  const remove = addLeakProbe(() => running);
  expect(findLeaks().slice(before)).toEqual(["1 request was still in flight (GET http://x.test/a)"]);
  running = undefined;
  expect(findLeaks().length).toBe(before);
  running = "again";
  remove();
  expect(findLeaks().length).toBe(before);
});

test("the leak line names the function, what was running, and what to do", () => {
  const line = leakMessage("downloadFiles", ["1 timer was still pending (setTimeout due in 30000 ms)", "2 requests were still in flight (GET a, GET b)"]);
  expect(line).toBe(
    "⚠ leak: when downloadFiles() resolved, 1 timer was still pending (setTimeout due in 30000 ms) and 2 requests were still in flight (GET a, GET b). " +
      "Resolve only after everything you started has finished: await every request, and clear timers you no longer need (clearTimeout).",
  );
});
