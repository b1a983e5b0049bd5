// Launching Debian's Chromium through playwright-core with an explicit executablePath: nothing
// is downloaded. Each launch gets a fresh temporary profile (playwright creates --user-data-dir
// itself and removes it on close). Used by the browser tests and by `npm run bench` (web).
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

// Without the background-networking flags Chromium calls Google hosts on its own.
const ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, chromiumSandbox: false, args: ARGS });
}
