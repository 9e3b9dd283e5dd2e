// Shared fixtures of the integration tests: a config with overrides, deps on a fake clock, ET instants.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig, type Config } from '../../../src/config/index.ts';
import type { IntegrationDeps } from '../../../src/integrations/common/integrationDeps.ts';
import { etClockToUtc } from '../../../src/integrations/common/etTime.ts';
import { alertSink, capturingLogger, fakeClock } from './fakeVendorServer.ts';

/** A validated config from a partial `filters` object (deep enough for these tests). */
export function configWith(filters: Record<string, unknown>, extra: Record<string, unknown> = {}): Config {
  return validateConfig({ filters, ...extra }, 'test');
}

/** UTC ms of an ET wall-clock time, e.g. et('2025-03-12', '12:30'). */
export function et(date: string, hhmm: string): number {
  return etClockToUtc(date, hhmm);
}

/** Deps on a fake clock with captured logs and alerts and a fresh cache folder. */
export function testDeps(startMs: number, env: NodeJS.ProcessEnv = {}) {
  const clock = fakeClock(startMs);
  const log = capturingLogger();
  const sink = alertSink();
  const cacheDir = mkdtempSync(join(tmpdir(), 'txbot-integrations-'));
  const deps: IntegrationDeps = { logger: log.logger, publishAlert: sink.publish, nowMs: clock.nowMs, cacheDir, env };
  return { deps, clock, lines: log.lines, alerts: sink.alerts, cacheDir };
}
