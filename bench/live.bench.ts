// Benchmark of the live loop's reaction time: from a closed bar handed to the LiveRunner to the entry
// order request reaching the broker (journal intent written first, durably in SQLite), p50/p99, in process;
// then the disk's own sync floor in the journal's folder (4 KB overwrite + fdatasync), which the SQLite figure rests on.
// Run: npm run bench:live

import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig, type LoadedConfig } from '../src/config/index.ts';
import { generateSyntheticBars } from '../src/data/index.ts';
import { barAt, sliceBarSeries } from '../src/domain/bar.ts';
import type { BracketOrderRequest } from '../src/domain/orders.ts';
import { buildRunContext } from '../src/app/runContext.ts';
import { RegimeDetector, trainRegimeModel } from '../src/regime/index.ts';
import { MemoryJournal, SqliteJournal, type Journal } from '../src/state/index.ts';
import { silentLogger } from '../src/log/logger.ts';
import { ManualClock } from '../src/live/liveClock.ts';
import { JournalRecorder } from '../src/live/journalRecorder.ts';
import { LiveRunner } from '../src/live/liveRunner.ts';
import { SimBroker } from '../src/broker/sim/simBroker.ts';
import type { SubmitOutcome } from '../src/domain/orders.ts';
import { figure } from './support/figure.ts';

const config = validateConfig({ filters: { vix: { enabled: false }, news: { high_impact_times_et: [], calendar_tiers: [] } } }, 'bench');
const loaded: LoadedConfig = { config, sourcePath: null, baseDir: process.cwd() };
const series = generateSyntheticBars({ seed: 7, days: 400, startDate: '2022-01-03' }).series;
const cut = 150 * 78;
const model = trainRegimeModel(sliceBarSeries(series, 0, cut), config).model;
const test = sliceBarSeries(series, cut, series.length);

/** Paper broker that stamps the moment an order request reaches it. */
class StampingBroker extends SimBroker {
  lastSubmitMs = Number.NaN;
  override submitBracket(order: BracketOrderRequest): SubmitOutcome {
    this.lastSubmitMs = performance.now();
    return super.submitBracket(order);
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function measure(label: string, journal: Journal): Promise<void> {
  const ctx = buildRunContext(loaded, 'paper');
  const market = { instrument: ctx.instrument };
  const broker = new StampingBroker({ instrument: market.instrument, slippageTicks: config.backtest.slippage_ticks });
  const runner = new LiveRunner({
    engine: ctx.engineOptions({ regime: new RegimeDetector(model), risk: ctx.createRisk(), idPrefix: 'bench' }),
    broker,
    journal: new JournalRecorder(journal, market.instrument.symbol),
    clock: new ManualClock(0),
    logger: silentLogger(),
  });
  const orderUs: number[] = [];
  const stepUs: number[] = [];
  for (let i = 0; i < test.length; i++) {
    const bar = barAt(test, i);
    broker.lastSubmitMs = Number.NaN;
    const t0 = performance.now();
    await runner.onBar(bar);
    const t1 = performance.now();
    stepUs.push((t1 - t0) * 1000);
    if (!Number.isNaN(broker.lastSubmitMs)) orderUs.push((broker.lastSubmitMs - t0) * 1000);
  }
  await journal.close();
  figure(`${label}: bar close → order sent p99`, pct(orderUs, 99), 'µs');
  console.log(
    `${label}: ${test.length} bars, ${orderUs.length} orders | bar close → order request sent p50 ${pct(orderUs, 50).toFixed(0)} µs, p99 ${pct(orderUs, 99).toFixed(0)} µs, max ${Math.max(...orderUs).toFixed(0)} µs | whole bar step p50 ${pct(stepUs, 50).toFixed(0)} µs, p99 ${pct(stepUs, 99).toFixed(0)} µs`,
  );
}

/**
 * The disk's own floor in the journal's folder: a 4 KB overwrite + fdatasync, the least a durable commit
 * costs (the journal's intent commit is one such sync). Printed beside the figures, which depend on it.
 */
function syncFloor(folder: string): void {
  const fd = openSync(join(folder, 'sync-probe.bin'), 'w');
  const buf = Buffer.alloc(4096, 1);
  const us: number[] = [];
  try {
    for (let i = 0; i < 16; i++) writeSync(fd, buf, 0, buf.length, i * buf.length);
    fdatasyncSync(fd);
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      writeSync(fd, buf, 0, buf.length, (i % 16) * buf.length);
      fdatasyncSync(fd);
      us.push((performance.now() - t) * 1000);
    }
  } finally {
    closeSync(fd);
  }
  figure('disk 4 KB overwrite + fdatasync p99', pct(us, 99), 'µs');
  console.log(
    `disk floor (journal folder): 4 KB overwrite + fdatasync p50 ${pct(us, 50).toFixed(0)} µs, p99 ${pct(us, 99).toFixed(0)} µs (200 syncs)`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'txbot-bench-live-'));
try {
  await measure('memory journal', new MemoryJournal());
  await measure('sqlite journal (durable intent before send)', await SqliteJournal.open(join(dir, 'journal.db')));
  syncFloor(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
