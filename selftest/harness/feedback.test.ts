import { expect, test } from "vitest";
import { CheckFailure, NOT_IMPLEMENTED, expectThat, formatExpectation, isNotImplemented, show, showError } from "../../graders/harness/feedback.ts";

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
