// Reusable browser helper for dashboard tests (also for the live runner's end-to-end test): launches
// Debian's /usr/bin/chromium through playwright-core with an isolated profile, headless, no network extras.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Makes sure Debian's chromium is installed (apt-get install -y chromium when missing and running as
 * root); returns the reason it is unavailable, or null when it is ready.
 */
export function ensureChromium(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  try {
    // A fresh machine has no package lists yet: update them first.
    execFileSync('apt-get', ['update', '-q'], { stdio: 'ignore', timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-q', 'chromium'], {
      stdio: 'ignore',
      timeout: 600_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch {
    return `${CHROMIUM_PATH} is missing and apt-get install -y chromium failed`;
  }
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} is missing after apt-get install chromium`;
}

/** Opens `url` in a fresh headless chromium; `close` ends the browser and deletes its profile. */
export async function openInChromium(url: string): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  // a fresh --user-data-dir: playwright takes it as the persistent context's profile folder
  const profile = mkdtempSync(join(tmpdir(), 'txbot-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
