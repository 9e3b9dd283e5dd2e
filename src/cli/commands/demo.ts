// `txbot demo` (npm run demo): train the HMM on real ES bars and backtest the following, unseen period;
// falls back to seeded synthetic bars when ../shared/data is absent. Writes a report and says where.
// `--portfolio`: two instruments on one account (real MES + MGC, MGC back-adjusted over its rolls;
// synthetic MNQ + M2K when the data is absent), a model per instrument trained on earlier days only.

import { labelQualityLines } from '../../regime/index.ts';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { CONFIG_OPTION, outOption } from '../options.ts';
import { buildRunContext } from '../../app/index.ts';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../config/index.ts';
import { generateCorrelatedBars, generateSyntheticBars, loadBars, selectTradingDates, sharedDataFile } from '../../data/index.ts';
import { sliceBarSeries, type BarSeries } from '../../domain/index.ts';
import { regimeModelToJson, trainRegimeModel } from '../../regime/index.ts';
import { runBacktestJob, type PortfolioInput } from '../../backtest/index.ts';
import { rollTableFor } from '../rollTables.ts';
import { runPortfolioWithProgress } from '../portfolioInputs.ts';
import { createProgress } from '../progress.ts';
import { emProgressPrinter } from '../emProgress.ts';
import { note, out } from '../output.ts';
import { printSummary } from '../summaryPrinter.ts';
import { checkOutputPath, RUN_OUTPUT_FOLDER } from '../outputPath.ts';
import { printStateTable } from '../stateTable.ts';

export const DEMO_ES_FILE = 'es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz';
export const DEMO_MGC_FILE = 'mgc_5min_databento_unadj_2020-12-20_2025-12-19_ET.csv.gz';
export const DEMO_MGC_ROLLS = 'mgc_rolls_databento_2020-12-21_2025-12-19.csv';

/** One instrument of the portfolio demo: its bars split into training and out-of-sample days. */
interface PortfolioDemoLeg {
  readonly symbol: string;
  readonly label: string;
  readonly train: BarSeries;
  readonly test: BarSeries;
}

/** MES + MGC on their overlap (trained on 2021, traded 2022-01..2023-03), or null when a file is absent. */
async function portfolioFromSharedData(loaded: LoadedConfig): Promise<{ legs: PortfolioDemoLeg[]; trainRange: string; testRange: string } | null> {
  const es = sharedDataFile(DEMO_ES_FILE);
  const mgc = sharedDataFile(DEMO_MGC_FILE);
  if (!es || !mgc) return null;
  const rolls = sharedDataFile(DEMO_MGC_ROLLS);
  const legs: PortfolioDemoLeg[] = [];
  for (const [symbol, file, label] of [
    ['MES', es, `${DEMO_ES_FILE} (ES prices, traded as MES)`],
    ['MGC', mgc, `${DEMO_MGC_FILE}${rolls ? ' (back-adjusted over its rolls)' : ''}`],
  ] as const) {
    note(`demo: loading ${file} ...`);
    const data = await loadBars(file, {
      timezone: loaded.config.data.timezone,
      policy: 'strict',
      barMinutes: loaded.config.data.bar_minutes,
      from: '2021-01-01',
      rolls: symbol === 'MGC' && rolls ? rollTableFor(loaded, 'MGC', file, [rolls]) : null,
    });
    legs.push({
      symbol,
      label,
      train: selectTradingDates(data.series, '2021-01-01', '2021-12-31'),
      test: selectTradingDates(data.series, '2022-01-01', '2023-03-24'),
    });
  }
  return { legs, trainRange: '2021-01-01 to 2021-12-31', testRange: '2022-01-01 to 2023-03-24' };
}

function portfolioFromSynthetic(): { legs: PortfolioDemoLeg[]; trainRange: string; testRange: string } {
  note('demo: ../shared/data is absent; using the correlated synthetic generator (seed 42, MNQ + M2K, 300 trading days) instead');
  const { bySymbol } = generateCorrelatedBars({
    seed: 42,
    days: 300,
    correlation: 0.6,
    startDate: '2024-01-02',
    instruments: [
      { symbol: 'MNQ', startPrice: 16_000, tickSize: 0.25 },
      { symbol: 'M2K', startPrice: 2_000, tickSize: 0.1 },
    ],
  });
  const cut = 200 * 78;
  const legs = [...bySymbol].map(([symbol, all]) => ({
    symbol,
    label: `synthetic ${symbol} (seed 42)`,
    train: sliceBarSeries(all, 0, cut),
    test: sliceBarSeries(all, cut, all.length),
  }));
  return { legs, trainRange: 'first 200 days', testRange: 'last 100 days' };
}

/** `txbot demo --portfolio`: a model per instrument, then one account trading both out of sample. */
async function runPortfolioDemo(opts: { out: string; config?: string }): Promise<void> {
  const base = loadConfig({ file: opts.config });
  const plan = (await portfolioFromSharedData(base)) ?? portfolioFromSynthetic();
  const ctx = buildRunContext(base, 'backtest', { symbols: plan.legs.map((l) => l.symbol) });
  mkdirSync(opts.out, { recursive: true });
  const inputs = new Map<string, PortfolioInput>();
  for (const leg of plan.legs) {
    note(`demo: training a ${base.config.hmm.n_states}-state HMM for ${leg.symbol} on ${plan.trainRange} (${leg.train.length} bars) ...`);
    const trained = trainRegimeModel(leg.train, base.config, { onIteration: emProgressPrinter() });
    for (const w of trained.warnings) note(`warning: ${leg.symbol}: ${w}`);
    writeFileSync(join(opts.out, `model-${leg.symbol}.json`), regimeModelToJson(trained.model));
    inputs.set(leg.symbol, { series: leg.test, model: trained.model, dataLabel: leg.label });
  }
  note(`demo: backtesting ${plan.testRange} out of sample on one account ...`);
  runPortfolioWithProgress(ctx, inputs, opts.out);
  out(`models: ${plan.legs.map((l) => join(opts.out, `model-${l.symbol}.json`)).join(', ')}`);
  out(`report: ${join(opts.out, 'report.html')} (open it in a browser)`);
}

interface DemoPlan {
  label: string;
  symbol: string;
  train: BarSeries;
  test: BarSeries;
  trainRange: string;
  testRange: string;
}

async function planFromSharedData(loaded: LoadedConfig): Promise<DemoPlan | null> {
  const file = sharedDataFile(DEMO_ES_FILE);
  if (!file) return null;
  note(`demo: loading ${file} (real ES 5-minute bars) ...`);
  const data = await loadBars(file, {
    timezone: loaded.config.data.timezone,
    policy: 'strict',
    barMinutes: loaded.config.data.bar_minutes,
    from: '2020-01-01',
  });
  return {
    label: `${DEMO_ES_FILE} (ES prices, traded as MES)`,
    symbol: 'MES',
    train: selectTradingDates(data.series, '2020-01-01', '2021-12-31'),
    test: selectTradingDates(data.series, '2022-01-01', '2023-03-24'),
    trainRange: '2020-01-01 to 2021-12-31',
    testRange: '2022-01-01 to 2023-03-24',
  };
}

function planFromSynthetic(): DemoPlan {
  note('demo: ../shared/data is absent; using the built-in synthetic generator (seed 42, 300 trading days) instead');
  const all = generateSyntheticBars({ seed: 42, days: 300, startDate: '2024-01-02' }).series;
  const cut = 200 * 78;
  return {
    label: 'synthetic regime-switching bars (seed 42)',
    symbol: 'MNQ',
    train: sliceBarSeries(all, 0, cut),
    test: sliceBarSeries(all, cut, all.length),
    trainRange: 'first 200 days',
    testRange: 'last 100 days',
  };
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(commandSummary('demo'))
    .option(...outOption('dir', 'output folder (default reports/demo; with --portfolio reports/demo-portfolio)'))
    .option(...CONFIG_OPTION)
    .option('--portfolio', 'two instruments on one account: MES + MGC (synthetic MNQ + M2K without ../shared/data)')
    .addHelpText('after', '\nExamples:\n  npm run demo\n  txbot demo --out out/demo\n  txbot demo --portfolio --out out/demo-portfolio')
    .action(async (given: { out?: string; config?: string; portfolio?: boolean }) => {
      const opts = { ...given, out: given.out ?? (given.portfolio ? 'reports/demo-portfolio' : 'reports/demo') };
      checkOutputPath('--out', opts.out, RUN_OUTPUT_FOLDER, [{ option: '--config', path: opts.config }]);
      if (opts.portfolio) return runPortfolioDemo(opts);
      const base = loadConfig({ file: opts.config });
      const plan = (await planFromSharedData(base)) ?? planFromSynthetic();
      const loaded: LoadedConfig = { ...base, config: { ...base.config, backtest: { ...base.config.backtest, instrument: plan.symbol } } };
      note(`demo: training a ${loaded.config.hmm.n_states}-state HMM on ${plan.trainRange} (${plan.train.length} bars) ...`);
      const trained = trainRegimeModel(plan.train, loaded.config, { onIteration: emProgressPrinter() });
      for (const w of trained.warnings) note(`warning: ${w}`);
      printStateTable(trained);
      mkdirSync(opts.out, { recursive: true });
      const modelPath = join(opts.out, 'model.json');
      writeFileSync(modelPath, regimeModelToJson(trained.model));
      note(`demo: backtesting ${plan.testRange} out of sample (${plan.test.length} bars) ...`);
      let progress: ReturnType<typeof createProgress> | null = null;
      const result = runBacktestJob(buildRunContext(loaded, 'backtest'), {
        series: plan.test,
        dataLabel: plan.label,
        model: trained.model,
        outDir: opts.out,
        title: `txbot demo: ${plan.symbol} regime strategy, out of sample`,
        onProgress: (done, total) => {
          progress ??= createProgress('backtest', total);
          progress.update(done);
        },
      });
      (progress as ReturnType<typeof createProgress> | null)?.stop();
      printSummary(result.summary);
      out('');
      for (const l of labelQualityLines(result.labelQuality, `label quality (out of sample, ${plan.testRange}; labels as the engine acted on them):`))
        out(l);
      out(`model: ${modelPath}`);
      out(`report: ${join(opts.out, 'report.html')} (open it in a browser)`);
    });
}
