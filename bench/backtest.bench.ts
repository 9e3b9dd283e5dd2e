// Benchmark of the full backtest pipeline (features → HMM filter → VWAP → filters → signals → risk →
// simulated fills) on the ES 5-minute 2008-2023 file with a fixed model, and of the 60/10 walk-forward.
// Run: npm run bench:backtest [-- --skip-walkforward] [-- --jobs N]

import { availableParallelism } from 'node:os';
import { loadBars, sharedDataFile, selectTradingDates, tradingDatesOf } from '../src/data/index.ts';
import { validateConfig, type LoadedConfig } from '../src/config/index.ts';
import { RegimeDetector, trainRegimeModel } from '../src/regime/index.ts';
import { runBacktest } from '../src/backtest/runner.ts';
import { buildRunContext } from '../src/app/runContext.ts';
import { rollingWindows } from '../src/backtest/walkForwardPlan.ts';
import { runWalkForward } from '../src/app/walkForward.ts';
import { sessionInfo } from '../src/domain/session.ts';
import { figure } from './support/figure.ts';

const FILE = 'es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz';
const file = sharedDataFile(FILE);
if (!file) {
  console.log(`bench:backtest needs ../shared/data/${FILE}; not found, nothing measured`);
  process.exit(0);
}
const args = process.argv.slice(2);
const jobsArg = args.indexOf('--jobs');
const jobs = jobsArg >= 0 ? Number(args[jobsArg + 1]) : availableParallelism();

const config = validateConfig({ backtest: { instrument: 'MES' } }, 'bench');
const loaded: LoadedConfig = { config, sourcePath: null, baseDir: process.cwd() };

let t0 = performance.now();
const data = await loadBars(file, { barMinutes: 5 });
const loadS = (performance.now() - t0) / 1000;
const s = data.series;
let rth = 0;
for (let i = 0; i < s.length; i++) if (sessionInfo(s.tsMs[i]!).isRth) rth++;
console.log(`data: ${s.length} bars (${rth} RTH) loaded and validated in ${loadS.toFixed(2)} s (${Math.round(s.length / loadS)} rows/s)`);

t0 = performance.now();
const model = trainRegimeModel(selectTradingDates(s, '2019-01-01', '2019-12-31'), config).model;
console.log(`fixed model: trained on 2019 in ${((performance.now() - t0) / 1000).toFixed(2)} s (not part of the pipeline figure)`);

const ctx = buildRunContext(loaded, 'backtest');
const runOnce = () =>
  runBacktest({
    ...ctx.engineOptions({ regime: new RegimeDetector(model), risk: ctx.createRisk(), idPrefix: 'bench' }),
    series: s,
    slippageTicks: config.backtest.slippage_ticks,
  });
runOnce(); // warm-up (JIT)
const times: number[] = [];
let trades = 0;
const cpus: number[] = [];
for (let k = 0; k < 3; k++) {
  t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = runOnce();
  const c1 = process.cpuUsage(c0);
  cpus.push((c1.user + c1.system) / 1e6);
  times.push((performance.now() - t0) / 1000);
  trades = r.trades.length;
}
times.sort((a, b) => a - b);
cpus.sort((a, b) => a - b);
const med = times[1]!;
console.log(`pipeline CPU: ${cpus[1]!.toFixed(3)} s (median of 3) = ${Math.round(s.length / cpus[1]!).toLocaleString('en-US')} bars per CPU second`);
console.log(
  `pipeline: ${s.length} bars in ${med.toFixed(3)} s (median of 3) = ${Math.round(s.length / med).toLocaleString('en-US')} bars/s on one core; ${trades} trades`,
);
figure('pipeline bars per CPU second (ES 2008-2023)', s.length / cpus[1]!, 'bars/s');
figure('pipeline bars per wall second (ES 2008-2023)', s.length / med, 'bars/s');
console.log(`peak RSS so far: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);

if (!args.includes('--skip-walkforward')) {
  const windows = rollingWindows(tradingDatesOf(s), 60, 10, 10);
  t0 = performance.now();
  let last = 0;
  await runWalkForward({
    loaded,
    series: s,
    windows,
    jobs,
    onWindowDone: (done, total) => {
      const pct = Math.floor((done / total) * 10);
      if (pct !== last) {
        last = pct;
        process.stderr.write(`walk-forward ${done}/${total}\n`);
      }
    },
  });
  const wfS = (performance.now() - t0) / 1000;
  console.log(`walk-forward 60/10/10: ${windows.length} windows in ${wfS.toFixed(1)} s with ${jobs} worker thread(s)`);
  figure(`walk-forward 60/10/10, ${windows.length} windows, ${jobs} threads`, wfS, 's');
}
