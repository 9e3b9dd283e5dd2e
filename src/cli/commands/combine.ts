// `txbot combine --from DIR`: Topstep Combine pass probability from a backtest/walk-forward output folder,
// under the account the run itself traded (read from its summary.json, not from the current config).

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.ts';
import { DataError } from '../../domain/index.ts';
import {
  combineDays,
  combineRulesOf,
  simulateCombine,
  stopRiskLookup,
  dailyResultsFromEquityCsv,
  runFolderInfo,
  tradesFromCsv,
} from '../../report/index.ts';

import { out } from '../output.ts';
import { configOption, parseIntOption } from '../options.ts';

function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new DataError('COMBINE_INPUT_MISSING', `${file}: not found; give the output folder of txbot backtest or txbot walkforward`);
  }
}

export function registerCombineCommand(program: Command): void {
  program
    .command('combine')
    .description(commandSummary('combine'))
    .requiredOption('--from <dir>', 'output folder of txbot backtest or walkforward (reads summary.json, equity.csv and trades.csv)')
    .option('--simulations <n>', 'number of simulated Combines (default combine.simulations)')
    .option('--seed <n>', 'bootstrap seed (default combine.seed)')
    .option(...configOption('simulation settings (combine section); the account comes from the folder'))
    .addHelpText(
      'after',
      '\nThe account size, MLL, daily loss limit and profit target are the ones the run traded (its summary.json).\n\nExamples:\n  txbot combine --from out/wf\n  txbot combine --from out/wf --simulations 50000 --seed 1',
    )
    .action((opts: { from: string; simulations?: string; seed?: string; config?: string }) => {
      const c = loadConfig({ file: opts.config }).config;
      const summaryFile = join(opts.from, 'summary.json');
      const info = runFolderInfo(readInput(summaryFile), summaryFile);
      const rules = info.rules;
      const file = join(opts.from, 'equity.csv');
      const start = rules.startingBalance;
      const days = dailyResultsFromEquityCsv(readInput(file), file, start);
      const tradesFile = join(opts.from, 'trades.csv');
      const trades = tradesFromCsv(readInput(tradesFile), tradesFile);
      const sims = opts.simulations ? parseIntOption('--simulations', opts.simulations, 1) : c.combine.simulations;
      const seed = opts.seed ? parseIntOption('--seed', opts.seed, 0) : c.combine.seed;
      const sample = combineDays(days, trades, stopRiskLookup(rules.stopRiskPerContractUsd, rules.minStopRiskUsd), info.stallDate);
      const r = simulateCombine(sample.days, combineRulesOf(c, rules, rules.minStopRiskUsd), sims, seed, sample.excluded);
      out(
        `Combine ${Math.round(rules.accountSize / 1000)}K (from ${summaryFile}): +$${rules.profitTarget} target, $${rules.maxLossLimit} trailing MLL, daily loss limit ${rules.dailyLossLimit === null ? 'none' : `$${rules.dailyLossLimit}`}, horizon ${c.combine.max_days} trading days`,
      );
      const kind = info.inSample
        ? 'IN-SAMPLE backtest'
        : info.kind === 'walkforward'
          ? 'walk-forward (out-of-sample)'
          : 'backtest (model trained before it)';
      out(
        `${kind}: ${r.sampleDays} tradable days sampled${r.excludedStalledDays ? `, ${r.excludedStalledDays} days after the run's stall on ${info.stallDate} left out` : ''}`,
      );
      out(`method: ${r.method}`);
      out(
        `pass probability ${(r.passProbability * 100).toFixed(1)}%, breach ${(r.breachProbability * 100).toFixed(1)}%, stall ${(r.stallProbability * 100).toFixed(1)}%, unresolved ${(r.unresolvedProbability * 100).toFixed(1)}%`,
      );
      out(`median days to pass: ${r.medianDaysToPass ?? 'n/a'}`);
      out(`simulations ${r.simulations}, seed ${r.seed}`);
    });
}
