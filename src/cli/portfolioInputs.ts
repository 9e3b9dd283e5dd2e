// The inputs of a several-instrument run (`--data SYM=FILE ... --model SYM=FILE ...` or `--train`), checked
// and loaded the same way by backtest, replay and walk-forward; the run with a progress bar (backtest,
// demo) and the per-instrument table printed after it.

import type { BacktestSummary, SymbolSummary } from '../report/index.ts';
import { runPortfolioJob, type PortfolioInput, type PortfolioJobResult } from '../backtest/index.ts';
import type { RunContext } from '../engine/index.ts';
import { createProgress } from './progress.ts';
import { printSummary } from './summaryPrinter.ts';
import { instrumentConfig, loadConfig, type LoadedConfig } from '../config/index.ts';
import { loadBars, type DataPolicy } from '../data/index.ts';
import { UsageError } from '../domain/index.ts';
import { loadModelFile } from '../state/index.ts';
import type { SymbolFile } from './symbolFiles.ts';
import { rollTablesFor } from './rollTables.ts';
import { note, out, table } from './output.ts';
import { checkModelAgainstConfig, noteLoadResult } from './loadNotes.ts';
import { applyDecisionsOption, parseDateRangeOptions } from './optionValues.ts';
import { checkOutputPath, RUN_OUTPUT_FOLDER } from './outputPath.ts';

/** The options of a several-instrument run this module reads. */
export interface PortfolioCliOptions {
  readonly train?: boolean;
  readonly from?: string;
  readonly to?: string;
  readonly config?: string;
  readonly decisions?: string;
  readonly out: string;
  /** --rolls FILE values (roll tables to back-adjust unadjusted files; default data.rolls). */
  readonly rolls?: readonly string[];
}

/**
 * Checks the option combination and the output folder, loads the config, each model and each file
 * (`train`: instruments without a model are trained by the caller).
 */
export async function loadPortfolioInputs(
  opts: PortfolioCliOptions,
  data: readonly SymbolFile[],
  models: readonly SymbolFile[],
  policy: DataPolicy | undefined,
): Promise<{ loaded: LoadedConfig; symbols: string[]; inputs: Map<string, PortfolioInput> }> {
  if (models.some((m) => m.symbol === null)) throw new UsageError('--model: with several instruments give --model SYM=FILE for each');
  const symbols = data.map((d) => d.symbol!);
  for (const m of models) if (!symbols.includes(m.symbol!)) throw new UsageError(`--model ${m.symbol}=...: no --data ${m.symbol}=FILE`);
  const missing = symbols.filter((s) => !models.some((m) => m.symbol === s));
  if (missing.length && !opts.train)
    throw new UsageError(`give --model SYM=FILE for ${missing.join(', ')}, or --train (fit each on its own bars, in-sample)`);
  if (opts.train && models.length) throw new UsageError('--model and --train exclude each other');
  checkOutputPath('--out', opts.out, RUN_OUTPUT_FOLDER, [
    ...data.map((d) => ({ option: `--data ${d.symbol}`, path: d.file })),
    ...models.map((m) => ({ option: `--model ${m.symbol}`, path: m.file })),
    { option: '--config', path: opts.config },
  ]);
  const range = parseDateRangeOptions(opts);
  const loaded = applyDecisionsOption(loadConfig({ file: opts.config }), opts.decisions);
  for (const s of symbols)
    if (!loaded.config.instruments.some((i) => i.symbol === s))
      throw new UsageError(
        `--data ${s}=...: instrument ${s} is not configured (instruments: ${loaded.config.instruments.map((i) => i.symbol).join(', ')})`,
      );
  const inputs = new Map<string, PortfolioInput>();
  const rolls = rollTablesFor(
    loaded,
    data.map((d) => ({ symbol: d.symbol!, file: d.file })),
    opts.rolls,
  );
  for (const d of data) {
    const own = instrumentConfig(loaded.config, d.symbol!);
    const m = models.find((x) => x.symbol === d.symbol);
    const model = m ? loadModelFile(m.file) : null;
    if (model) checkModelAgainstConfig(m!.file, model, own, d.symbol!);
    note(`loading ${d.symbol}: ${d.file} ...`);
    const bars = await loadBars(d.file, {
      timezone: loaded.config.data.timezone,
      policy: policy ?? loaded.config.data.policy,
      barMinutes: loaded.config.data.bar_minutes,
      ...range,
      rolls: rolls.get(d.symbol!) ?? null,
    });
    noteLoadResult(bars);
    inputs.set(d.symbol!, { series: bars.series, model, dataLabel: d.file });
  }
  return { loaded, symbols, inputs };
}

/** Runs the several-instrument backtest with a progress bar, then prints its summary and per-instrument table. */
export function runPortfolioWithProgress(ctx: RunContext, inputs: ReadonlyMap<string, PortfolioInput>, outDir: string): PortfolioJobResult {
  let progress: ReturnType<typeof createProgress> | null = null;
  const result = runPortfolioJob(ctx, inputs, {
    outDir,
    onProgress: (done, total) => {
      progress ??= createProgress('backtest', total);
      progress.update(done);
    },
  });
  (progress as ReturnType<typeof createProgress> | null)?.stop();
  printSummary(result.summary);
  printSymbolTable(result.summary);
  return result;
}

/** The per-instrument table of a several-instrument run. */
export function printSymbolTable(summary: BacktestSummary & { readonly bySymbol: Record<string, SymbolSummary> }): void {
  out(
    table(
      ['instrument', 'trades', 'net P&L', 'win %', 'Sharpe', 'max DD'],
      Object.entries(summary.bySymbol).map(([s, m]) => [
        s,
        String(m.trades),
        m.netPnl.toFixed(2),
        m.winRate === null ? '-' : (m.winRate * 100).toFixed(1),
        m.sharpe?.toFixed(2) ?? '-',
        m.maxDrawdown.toFixed(2),
      ]),
    ),
  );
}
