import { expect, test } from "vitest";
import { CheckFailure, expectThat, formatExpectation } from "../../graders/harness/authoring/feedback.ts";
import { isNotImplemented, NOT_IMPLEMENTED } from "../../graders/harness/core/errors.ts";
import { describeOutcome } from "../../graders/harness/authoring/clock.ts";
import { listSome, plural, show, showError } from "../../graders/harness/core/text.ts";

test("a failure says what was observed, what was expected, and a hint", () => {
  expect(formatExpectation({ observed: "waited [100, 100] ms", expected: "[100, 200]", hint: "each wait doubles" })).toBe(
    "waited [100, 100] ms; expected [100, 200]\nhint: each wait doubles",
  );
  expect(() => expectThat(false, { observed: "o", expected: "e" })).toThrow(CheckFailure);
  expect(() => expectThat(true, { observed: "o", expected: "e" })).not.toThrow();
});

test("show and showError are short and single-line", () => {
  expect(show([100, 200])).toBe("[ 100, 200 ]");
  expect(showError(new RangeError("bad\nsecond line"))).toBe('RangeError("bad")');
  expect(showError("plain")).toBe("a non-Error value 'plain'");
  expect(showError(new Error("x".repeat(500))).length).toBeLessThan(200);
});

test("the stub marker is recognised", () => {
  expect(isNotImplemented(new Error(`${NOT_IMPLEMENTED}: retryAsync`))).toBe(true);
  expect(isNotImplemented(new Error("other"))).toBe(false);
  expect(isNotImplemented("Not implemented yet")).toBe(false);
});

test("plural", () => {
  expect([plural(1, "timer"), plural(0, "timer"), plural(3, "request")]).toEqual(["1 timer", "0 timers", "3 requests"]);
});

test("describeOutcome says what a run did, and asks the exercise's question when it never settled", () => {
  const ask = { stuck: "is a worker waiting forever?", runaway: "a loop that never ends?" };
  expect(describeOutcome({ state: "fulfilled", value: { read: 3 }, at: 300 }, ask)).toBe("resolved with { read: 3 } at 300 ms");
  expect(describeOutcome({ state: "rejected", reason: new RangeError("bad"), at: 0 }, ask)).toBe('rejected with RangeError("bad") at 0 ms');
  expect(describeOutcome({ state: "threw", error: new TypeError("x"), at: 0 }, ask)).toBe('threw TypeError("x") synchronously instead of returning a promise');
  expect(describeOutcome({ state: "pending", why: "stuck", at: 100, timers: 0 }, ask)).toBe(
    "never settled (stuck at 100 ms of virtual time with no timer pending — is a worker waiting forever?)",
  );
  expect(describeOutcome({ state: "pending", why: "runaway", at: 600_000, timers: 1 }, ask)).toBe(
    "was still pending after 600000 ms of virtual time (1 timer still set — a loop that never ends?)",
  );
});

test("listSome", () => {
  expect(listSome(["a", "b"])).toBe("a, b");
  expect(listSome(["a", "b", "c", "d", "e"])).toBe("a, b, c, …and 2 more");
});
