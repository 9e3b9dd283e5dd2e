// `txbot demo` (npm run demo): train the HMM on real ES bars and backtest the following, unseen period;
// falls back to seeded synthetic bars when ../shared/data is absent. Writes a report and says where.

import { labelQualityLines } from '../../regime/index.ts';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { CONFIG_OPTION, outOption } from '../options.ts';
import { buildRunContext } from '../../app/index.ts';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../config/index.ts';
import { generateSyntheticBars, loadBars, selectTradingDates, sharedDataFile } from '../../data/index.ts';
import { sliceBarSeries, type BarSeries } from '../../domain/index.ts';
import { regimeModelToJson, trainRegimeModel } from '../../regime/index.ts';
import { runBacktestJob } from '../../backtest/index.ts';
import { createProgress } from '../progress.ts';
import { emProgressPrinter } from '../emProgress.ts';
import { note, out } from '../output.ts';
import { printSummary } from '../summaryPrinter.ts';
import { checkOutputPath, RUN_OUTPUT_FOLDER } from '../outputPath.ts';
import { printStateTable } from '../stateTable.ts';

export const DEMO_ES_FILE = 'es_5min_firstrate_adj_2008-01-02_2023-03-24_ET.csv.gz';

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
    .option(...outOption('dir', 'output folder'), 'reports/demo')
    .option(...CONFIG_OPTION)
    .addHelpText('after', '\nExamples:\n  npm run demo\n  txbot demo --out out/demo')
    .action(async (opts: { out: string; config?: string }) => {
      checkOutputPath('--out', opts.out, RUN_OUTPUT_FOLDER, [{ option: '--config', path: opts.config }]);
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
