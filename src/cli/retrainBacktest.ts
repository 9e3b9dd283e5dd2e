// The `txbot backtest --retrain` path: loads the file once (history for retrains up to --to, traded bars
// from --from), runs the fixed and the retraining backtest, and prints both summaries and the retrains.

import { instrumentOptionValue, withDataInstrument } from './dataInstrument.ts';
import { loadConfig } from '../config/index.ts';
import { buildRunContext } from '../app/index.ts';
import { loadBars, selectTradingDates } from '../data/index.ts';
import { UsageError } from '../domain/index.ts';
import { loadModelFile } from '../state/index.ts';
import { runRetrainingBacktest, tallyLine } from '../backtest/index.ts';
import { createProgress, type Progress } from './progress.ts';
import { note, out, table } from './output.ts';
import { checkModelAgainstConfig, noteLoadResult } from './loadNotes.ts';
import { applyDecisionsOption, parseDateRangeOptions, parsePolicyOption } from './optionValues.ts';
import { checkOutputPath, RUN_OUTPUT_FOLDER, runInputs } from './outputPath.ts';
import { printSummary } from './summaryPrinter.ts';
import { rollTableFor } from './rollTables.ts';

/** Options of `txbot backtest` (the retraining path reads them too). */
export interface RetrainBacktestOpts {
  data: string;
  model?: string;
  train?: boolean;
  from?: string;
  to?: string;
  config?: string;
  instrument?: string;
  symbol?: string;
  rolls?: string[];
  out: string;
  policy?: string;
  retrain?: boolean;
  drift?: boolean;
  decisions?: string;
}

/** Runs `txbot backtest --retrain`: needs --model (the starting model, trained before --from). */
export async function runRetrainBacktestCommand(opts: RetrainBacktestOpts): Promise<void> {
  if (!opts.model || opts.train)
    throw new UsageError('--retrain needs --model FILE (the starting model, trained on data before --from) and excludes --train');
  checkOutputPath('--out', opts.out, RUN_OUTPUT_FOLDER, runInputs(opts));
  const policy = parsePolicyOption(opts.policy);
  const range = parseDateRangeOptions(opts);
  const loaded = applyDecisionsOption(withDataInstrument(loadConfig({ file: opts.config }), opts.data, instrumentOptionValue(opts)), opts.decisions);
  const c = loaded.config;
  const model = loadModelFile(opts.model);
  checkModelAgainstConfig(opts.model, model, c);
  note(`loading ${opts.data} ...`);
  const data = await loadBars(opts.data, {
    timezone: c.data.timezone,
    policy: policy ?? c.data.policy,
    barMinutes: c.data.bar_minutes,
    to: range.to,
    rolls: rollTableFor(loaded, c.backtest.instrument, opts.data, opts.rolls),
  });
  noteLoadResult(data);
  const series = selectTradingDates(data.series, range.from, undefined);
  note(
    `retraining every ${c.retrain.schedule_days} days${opts.drift === false ? '' : ` and on drift (${c.retrain.drift_threshold * 100}% over ${c.retrain.drift_window_days} days)`}, window ${c.retrain.window_days} + ${c.retrain.validation_days} validation days`,
  );
  let progress: Progress | null = null;
  let phase = '';
  const r = runRetrainingBacktest(buildRunContext(loaded, 'backtest'), {
    series,
    history: data.series,
    model,
    dataLabel: opts.data,
    outDir: opts.out,
    drift: opts.drift,
    onRetrain: (x) => note(`retrain ${x.tradingDate} (${x.trigger.kind}): ${x.decision} ${x.code}`),
    onProgress: (run, done, total) => {
      if (run !== phase) {
        progress?.stop();
        phase = run;
        progress = createProgress(`backtest (${run})`, total);
      }
      progress!.update(done);
    },
  });
  (progress as Progress | null)?.stop();
  out('== fixed model ==');
  printSummary(r.fixed);
  out('\n== retraining ==');
  printSummary(r.retraining);
  out(`\n${r.retrains.length} retrain(s), ${r.retrains.filter((x) => x.decision === 'swapped').length} swap(s):`);
  if (r.retrains.length) {
    out(
      table(
        ['date', 'trigger', 'decision', 'current', 'new'],
        r.retrains.map((x) => [x.tradingDate, x.trigger.kind, x.decision, x.currentScore?.toFixed(4) ?? '-', x.newScore?.toFixed(4) ?? '-']),
      ),
    );
  }
  out(tallyLine(r.tally));
  out(
    `drift baseline: ${loaded.config.retrain.drift_baseline === 'held_out' ? 'held-out days (a swapped model: its validation score; the starting model: its first out-of-sample days)' : 'the in-sample training score'}`,
  );
  out(`reports: ${opts.out}/fixed/report.html, ${opts.out}/retraining/report.html; comparison: ${opts.out}/comparison.json`);
}
