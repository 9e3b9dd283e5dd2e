// decisions.jsonl: the hand-written line equals JSON.stringify of the decision object; what `all`,
// `changes` and `none` keep.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../src/engine/records.ts';
import { decisionJson, DecisionLog } from '../../src/report/outputs.ts';
import { formatIsoInZone } from '../../src/domain/time.ts';

const isoEt = (ms: number) => formatIsoInZone('America/New_York', ms);

const dir = mkdtempSync(join(tmpdir(), 'txbot-decisions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2024, 0, 3, 15, 0);
const dec = (i: number, code: string, action: DecisionRecord['action'] = 'none', regime: DecisionRecord['regime'] = 'NEUTRAL'): DecisionRecord => ({
  tsMs: T0 + i * 300_000,
  close: 4700 + i,
  regime,
  confidence: 0.9,
  probs: [0.9, 0.1],
  action,
  code,
  reason: `bar ${i}`,
});
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { reason: string });

describe('decisionJson', () => {
  it('writes the bytes JSON.stringify gives for { t, symbol?, ...decision }', () => {
    const label = fc.constantFrom('NEUTRAL', 'BULL', 'BEAR', null);
    const rec = fc.record({
      tsMs: fc.integer({ min: Date.UTC(2008, 0, 1), max: Date.UTC(2030, 0, 1) }),
      close: fc.oneof(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), fc.constant(Number.NaN)),
      regime: label,
      confidence: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
      probs: fc.option(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 7 }), { nil: null }),
      action: fc.constantFrom('none', 'enter', 'flatten', 'hold', 'cancel'),
      code: fc.string(),
      reason: fc.string(),
    });
    fc.assert(
      fc.property(rec, fc.option(fc.string(), { nil: undefined }), (d, symbol) => {
        const { tsMs, ...rest } = d as unknown as DecisionRecord;
        const expected = JSON.stringify(symbol === undefined ? { t: isoEt(tsMs), ...rest } : { t: isoEt(tsMs), symbol, ...rest });
        expect(decisionJson(d as unknown as DecisionRecord, symbol)).toBe(expected);
      }),
    );
  });
});

describe('DecisionLog', () => {
  const script = [
    dec(0, 'NO_SETUP'),
    dec(1, 'NO_SETUP'),
    dec(2, 'NO_SETUP', 'none', 'BULL'),
    dec(3, 'PULLBACK', 'enter', 'BULL'),
    dec(4, 'IN_POSITION', 'hold', 'BULL'),
    dec(5, 'IN_POSITION', 'hold', 'BULL'),
    dec(6, 'RISK_FLATTEN', 'flatten', 'BULL'),
    dec(7, 'RISK_FLATTEN', 'flatten', 'BULL'),
    dec(8, 'NO_SETUP', 'none', 'BULL'),
  ];

  it('all: every bar', () => {
    const f = join(dir, 'all.jsonl');
    const log = new DecisionLog(f, 'all');
    for (const d of script) log.add(d);
    log.close();
    expect(lines(f).map((l) => l.reason)).toEqual(script.map((d) => d.reason));
  });

  it('changes: every action, and the first bar of each run of the same code and regime, per instrument', () => {
    const f = join(dir, 'changes.jsonl');
    const log = new DecisionLog(f, 'changes');
    for (const d of script) log.add(d);
    log.add(dec(9, 'NO_SETUP', 'none', 'BULL'), 'MGC'); // another instrument: its own runs
    log.add(dec(10, 'NO_SETUP', 'none', 'BULL'));
    log.close();
    expect(lines(f).map((l) => l.reason)).toEqual(['bar 0', 'bar 2', 'bar 3', 'bar 4', 'bar 6', 'bar 7', 'bar 8', 'bar 9']);
  });

  it('none: no file, and an earlier run’s file is removed', () => {
    const f = join(dir, 'none.jsonl');
    writeFileSync(f, 'old\n');
    const log = new DecisionLog(f, 'none');
    expect(log.writing).toBe(false);
    for (const d of script) log.add(d);
    log.close();
    expect(existsSync(f)).toBe(false);
  });
});
