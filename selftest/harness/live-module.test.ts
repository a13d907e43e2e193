import { expect, test } from "vitest";
import { liveModule } from "../../graders/harness/sandbox/live-module.ts";

test("named exports and default follow the current object at access time", () => {
  let current: Record<string, unknown> = { read: () => "first", value: 1 };
  const facade = liveModule(() => current, ["read", "value"]) as { read: () => string; value: number; default: Record<string, unknown> };
  const { default: def } = facade;
  expect(facade.read()).toBe("first");
  current = { read: () => "second", value: 2 };
  expect(facade.read()).toBe("second");
  expect(facade.value).toBe(2);
  expect((def.read as () => string)()).toBe("second");
  expect(Object.keys(facade).sort()).toEqual(["default", "read", "value"]);
});
