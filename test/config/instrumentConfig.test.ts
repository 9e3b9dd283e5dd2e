// Per-instrument settings: the contract table feeds the defaults, MGC trades its own session (08:20-13:30
// ET) through overrides, and the session hours reach the features and the engine.

import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/index.ts';
import { instrumentConfig, instrumentOf, rthWindowOf } from '../../src/config/instrument.ts';
import { CONTRACT_SPECS } from '../../src/domain/contracts.ts';
import { EQUITY_RTH, inRth, sessionInfo } from '../../src/domain/session.ts';
import { localToUtc, MINUTE_MS } from '../../src/domain/time.ts';
import { featureSpecFromConfig, FeatureStream, FeatureStatus } from '../../src/regime/features/index.ts';
import { defaultSimContracts } from '../../src/broker/projectx/simulator/index.ts';

const config = validateConfig({}, 'test');
const et = (date: string, hhmm: string) => localToUtc('America/New_York', Date.parse(`${date}T${hhmm}:00Z`))!;

describe('instrument settings', () => {
  it('take contract specs from the one table (config defaults and the simulator agree)', () => {
    for (const c of CONTRACT_SPECS) {
      const inst = instrumentOf(config, c.root);
      expect([inst.tickSize, inst.tickValueUsd, inst.commissionPerSideUsd, inst.isMicro]).toEqual([
        c.tickSize,
        c.tickValueUsd,
        c.commissionPerSideUsd,
        c.micro,
      ]);
      const sim = defaultSimContracts().find((x) => x.activeContract && x.symbolId === `F.US.${c.root}`)!;
      expect([sim.tickSize, sim.tickValueUsd, sim.feePerSideUsd]).toEqual([c.tickSize, c.tickValueUsd, c.commissionPerSideUsd]);
    }
    expect(config.instruments.filter((i) => i.enabled).map((i) => i.symbol)).toEqual(['MNQ']);
  });

  it('give MGC its COMEX session, VWAP anchor and entry window; equity instruments keep the top level', () => {
    expect(instrumentConfig(config, 'MNQ')).toBe(config);
    const mgc = instrumentConfig(config, 'MGC');
    expect(mgc.session.rth_start).toBe('08:20');
    expect(mgc.session.rth_end).toBe('13:30');
    expect(mgc.vwap.anchor_time).toBe('08:20');
    expect(mgc.filters.session_windows).toMatchObject({ entry_start: '08:25', entry_cutoff: '13:00' });
    expect(mgc.stops).toEqual(config.stops);
    expect(rthWindowOf(config.session)).toBe(EQUITY_RTH);
    expect(rthWindowOf(mgc.session)).toEqual({ startMinuteEt: 8 * 60 + 20, endMinuteEt: 13 * 60 + 30 });
  });

  it('let an instrument override one regime table entry without touching the others', () => {
    const c = validateConfig(
      { instruments: [{ symbol: 'MNQ', tick_size: 0.25, tick_value: 0.5, commission_per_side: 0.37, overrides: { stops: { NEUTRAL: 24 } } }] },
      'test',
    );
    const mnq = instrumentConfig(c, 'MNQ');
    expect(mnq.stops.NEUTRAL).toBe(24);
    expect(mnq.stops.BULL).toBe(c.stops.BULL);
  });

  it('feed the session hours to the regime features: an MGC model ignores 14:00 ET bars, an equity one 08:30 bars', () => {
    const mgcSpec = featureSpecFromConfig(instrumentConfig({ ...config, session: { ...config.session, rth_only: true } }, 'MGC'));
    const eqSpec = featureSpecFromConfig(config);
    expect(eqSpec.rthStartMinuteEt).toBeUndefined();
    expect(mgcSpec.rthStartMinuteEt).toBe(500);
    const bar = (ts: number) => ({ tsMs: ts, open: 2000, high: 2001, low: 1999, close: 2000.5, volume: 10 });
    const out = new Float64Array(8);
    const at = (spec: typeof eqSpec, hhmm: string) => new FeatureStream(spec).push(bar(et('2023-03-01', hhmm)), out);
    expect(at(mgcSpec, '14:00')).toBe(FeatureStatus.IGNORED);
    expect(at(mgcSpec, '08:30')).not.toBe(FeatureStatus.IGNORED);
    expect(at(eqSpec, '08:30')).toBe(FeatureStatus.IGNORED);
    expect(inRth(sessionInfo(et('2023-03-01', '13:25')), rthWindowOf(instrumentConfig(config, 'MGC').session))).toBe(true);
    expect(inRth(sessionInfo(et('2023-03-04', '10:00')), rthWindowOf(instrumentConfig(config, 'MGC').session))).toBe(false); // Saturday
    expect(et('2023-03-01', '08:30') % (5 * MINUTE_MS)).toBe(0);
  });
});
