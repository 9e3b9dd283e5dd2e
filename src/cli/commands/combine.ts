// `txbot combine --from DIR`: Topstep Combine pass probability from a backtest/walk-forward output folder.

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.ts';
import { DataError } from '../../domain/errors.ts';
import { simulateCombine } from '../../report/combine.ts';
import { dailyResultsFromEquityCsv } from '../../report/dailyFromEquity.ts';

import { out } from '../output.ts';
import { configOption, parseIntOption } from '../options.ts';

export function registerCombineCommand(program: Command): void {
  program
    .command('combine')
    .description(commandSummary('combine'))
    .requiredOption('--from <dir>', 'output folder of txbot backtest or walkforward (reads equity.csv)')
    .option('--simulations <n>', 'number of simulated Combines (default combine.simulations)')
    .option('--seed <n>', 'bootstrap seed (default combine.seed)')
    .option(...configOption('account size, MLL, profit target'))
    .addHelpText('after', '\nExamples:\n  txbot combine --from out/wf\n  txbot combine --from out/wf --simulations 50000 --seed 1')
    .action((opts: { from: string; simulations?: string; seed?: string; config?: string }) => {
      const loaded = loadConfig({ file: opts.config });
      const c = loaded.config;
      const file = join(opts.from, 'equity.csv');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new DataError('COMBINE_INPUT_MISSING', `${file}: not found; give the output folder of txbot backtest or txbot walkforward`);
      }
      const start = c.backtest.initial_balance ?? c.risk.account_size;
      const days = dailyResultsFromEquityCsv(text, file, start);
      const sims = opts.simulations ? parseIntOption('--simulations', opts.simulations, 1) : c.combine.simulations;
      const seed = opts.seed ? parseIntOption('--seed', opts.seed, 0) : c.combine.seed;
      const r = simulateCombine(
        days,
        { startingBalanceUsd: start, profitTargetUsd: c.risk.profit_target, maxLossLimitUsd: c.risk.max_loss_limit, maxDays: c.combine.max_days },
        sims,
        seed,
      );
      out(
        `Combine ${Math.round(start / 1000)}K: +$${c.risk.profit_target} target, $${c.risk.max_loss_limit} trailing MLL, ${c.combine.max_days} days at most`,
      );
      out(`out-of-sample trading days sampled: ${r.sampleDays}`);
      out(
        `pass probability ${(r.passProbability * 100).toFixed(1)}%, breach probability ${(r.breachProbability * 100).toFixed(1)}%, neither ${(r.unresolvedProbability * 100).toFixed(1)}%`,
      );
      out(`median days to pass: ${r.medianDaysToPass ?? 'n/a'}`);
      out(`simulations ${r.simulations}, seed ${r.seed}`);
    });
}
