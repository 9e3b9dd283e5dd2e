// Tests retraining in a session: the session bar history, drift and retrain-failure bus events, and the
// controller-backed regime source scoring bars and publishing drift on a synthetic model.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { barAt, sliceBarSeries } from '../../src/domain/bar.ts';
import { sessionInfo } from '../../src/domain/session.ts';
import { loadConfig } from '../../src/config/index.ts';
import { MemoryJournal } from '../../src/state/index.ts';
import { MonitorBus, type MonitorEvent } from '../../src/monitor/index.ts';
import { silentLogger } from '../../src/log/logger.ts';
import type { DriftStatus } from '../../src/regime/drift.ts';
import { SessionBarHistory, driftEvent, retrainBusEvent, startSessionRetrain } from '../../src/app/sessionRetrain.ts';
import { syntheticSetup } from '../support/backtestFixtures.ts';
import { journalTrainingClock } from '../../src/live/journalTrainingClock.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SessionBarHistory', () => {
  it('returns the bars of the last N trading days before a time, ignoring stale or repeated bars', async () => {
    const { test } = syntheticSetup();
    const h = new SessionBarHistory();
    const days = sliceBarSeries(test, 0, 5 * 78);
    for (let i = 0; i < days.length; i++) h.push(barAt(days, i));
    h.push(barAt(days, 3)); // older: ignored
    expect(h.length).toBe(5 * 78);
    const until = days.tsMs[4 * 78]!; // start of day 5: days 1..4 are before it
    const last2 = await h.latestBars(2, until);
    const tradingDays = new Set(Array.from(last2.tsMs, (t) => sessionInfo(t).tradingDay));
    expect(tradingDays.size).toBe(2);
    expect(last2.tsMs.at(-1)).toBe(days.tsMs[4 * 78 - 1]);
    expect(last2.length).toBe(2 * 78);
    expect((await h.latestBars(10, until)).length).toBe(4 * 78);
  });

  it('keeps at most maxBars (the newest)', async () => {
    const { test } = syntheticSetup();
    const h = new SessionBarHistory(100);
    for (let i = 0; i < 250; i++) h.push(barAt(test, i));
    expect(h.length).toBe(100);
    const all = await h.latestBars(100, Number.MAX_SAFE_INTEGER);
    expect(all.tsMs[0]).toBe(test.tsMs[150]);
  });
});

describe('bus events', () => {
  it('turns a drift status into ratio = 1 − quality and a failed retrain into retrainFailed', () => {
    const s: DriftStatus = {
      rollingMeanLogLikelihood: -1.5,
      baselineLogLikelihoodPerBar: -1.2,
      baselineSource: 'held_out_validation',
      calibrating: false,
      ratio: 0.75,
      days: 5,
      bars: 390,
      warm: true,
      drifting: true,
      tradingDay: 19_800,
    };
    expect(driftEvent(7, s)).toMatchObject({ type: 'drift', tsMs: 7, ratio: 0.25, detected: true });
    expect(
      retrainBusEvent({
        kind: 'RETRAIN_FAILED',
        tsMs: 9,
        trigger: { kind: 'schedule', reason: 'due' },
        code: 'RETRAIN_NOT_ENOUGH_DATA',
        message: 'only 5 days',
      }),
    ).toEqual({ type: 'retrainFailed', tsMs: 9, detail: 'schedule: RETRAIN_NOT_ENOUGH_DATA: only 5 days' });
    expect(retrainBusEvent({ kind: 'MODEL_SWAPPED', tsMs: 9, baselineLogLikelihoodPerBar: -1 })).toBeNull();
  });
});

describe('startSessionRetrain', () => {
  it('scores bars through the controller, records them as history and publishes drift after each bar', async () => {
    const { test, model } = syntheticSetup();
    const dir = mkdtempSync(join(tmpdir(), 'txbot-retrain-wiring-'));
    dirs.push(dir);
    const loaded = loadConfig({});
    const config = {
      ...loaded.config,
      retrain: { ...loaded.config.retrain, enabled: true, drift_threshold: 1, schedule_days: 365, drift_baseline: 'training' as const },
    };
    const bus = new MonitorBus();
    const events: MonitorEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const r = await startSessionRetrain({
      loaded: { ...loaded, config, baseDir: dir },
      model,
      journal: new MemoryJournal(),
      bus,
      logger: silentLogger(),
    });
    try {
      expect(r.labels()).toEqual(model.labels);
      // warm-up bars are scored and kept, but never reach the controller
      let warmScored = 0;
      for (let i = 0; i < 78; i++) if (r.regimeSource.predictRegime(barAt(test, i))) warmScored++;
      expect(warmScored).toBeGreaterThan(50);
      expect(r.controller.drift).toBeNull();
      r.beginLive();
      let scored = 0;
      for (let i = 78; i < 3 * 78; i++) {
        const bar = barAt(test, i);
        if (r.regimeSource.predictRegime(bar)) scored++;
        r.afterBar(bar);
      }
      expect(scored).toBe(2 * 78);
      expect(r.history.length).toBe(3 * 78);
      const drift = events.filter((e) => e.type === 'drift');
      expect(drift.length).toBeGreaterThan(0);
      const last = drift.at(-1)!;
      expect(last.type === 'drift' ? last.ratio : null).toBeCloseTo(1 - r.controller.drift!.ratio, 12);
      expect(r.controller.busy).toBe(false);
    } finally {
      r.stop();
    }
  });

  it('several instruments: each has its own controller, model store folder (model_dir/SYM) and schedule in the journal', async () => {
    const { model } = syntheticSetup();
    const dir = mkdtempSync(join(tmpdir(), 'txbot-retrain-symbols-'));
    dirs.push(dir);
    const loaded = loadConfig({});
    const journal = new MemoryJournal();
    const open = (symbol: string) =>
      startSessionRetrain({ loaded: { ...loaded, baseDir: dir }, model, journal, bus: new MonitorBus(), logger: silentLogger(), symbol });
    const [mnq, mes] = [await open('MNQ'), await open('MES')];
    try {
      expect(mnq.controller).not.toBe(mes.controller);
      const root = join(dir, loaded.config.retrain.model_dir);
      expect(existsSync(join(root, 'MNQ')) && existsSync(join(root, 'MES'))).toBe(true);
      // the schedule is kept per instrument: MNQ's last training time is not MES's
      await journalTrainingClock(journal, 'MNQ').save(1_700_000_000_000, 1_700_000_000_000);
      expect(await journalTrainingClock(journal, 'MNQ').load()).toBe(1_700_000_000_000);
      expect(await journalTrainingClock(journal, 'MES').load()).toBeNull();
      expect(await journalTrainingClock(journal).load()).toBeNull();
    } finally {
      mnq.stop();
      mes.stop();
    }
  });
});
