/**
 * The system's Chromium, as the browser test (selftest/harness/html.test.ts) and the bench's html section
 * drive it through playwright-core: CHROMIUM_PATH, else Debian's `chromium`; never a downloaded browser.
 */
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Headless, as root in a container too (no sandbox), with nothing started that reaches the network. */
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

/** Starts the browser; playwright-core is loaded only now (the bench keeps heavy imports lazy). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
