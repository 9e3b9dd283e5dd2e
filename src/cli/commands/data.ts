// `txbot data inspect|synth`: report on a data file; write seeded synthetic bars.

import type { Command } from 'commander';
import { inspectFile, formatInspectReport } from '../../data/inspect.ts';
import { generateSyntheticBars, writeBarsCsv } from '../../data/index.ts';
import { out, note } from '../output.ts';
import { parseIntOption } from '../options.ts';

export function registerDataCommand(program: Command): void {
  const data = program.command('data').description('Inspect market data files; generate synthetic bars');
  data
    .command('inspect')
    .argument('<file>', 'CSV or CSV.gz file (OHLCV bars or an event calendar)')
    .option('--timezone <zone>', 'zone of naive timestamps', 'America/New_York')
    .description('Print range, bar count, gaps, session coverage and problems found')
    .addHelpText(
      'after',
      '\nExamples:\n  txbot data inspect ../shared/data/nq_5min_firstrate_sample_2023-11-19_2023-12-04_ET.csv\n  txbot data inspect bars.csv --timezone UTC',
    )
    .action(async (file: string, opts: { timezone: string }) => {
      note(`inspecting ${file} ...`);
      const rep = await inspectFile(file, { timezone: opts.timezone });
      out(formatInspectReport(rep).join('\n'));
    });
  data
    .command('synth')
    .requiredOption('--out <file>', 'CSV file to write')
    .option('--seed <n>', 'random seed', '1')
    .option('--days <n>', 'trading days', '60')
    .option('--start <date>', 'first trading date', '2024-01-02')
    .option('--session <kind>', 'rth or globex', 'rth')
    .description('Write seeded regime-switching synthetic 5-minute bars (same seed, same bytes)')
    .addHelpText('after', '\nExamples:\n  txbot data synth --seed 7 --days 120 --out synth.csv')
    .action((opts: { out: string; seed: string; days: string; start: string; session: string }) => {
      const session = opts.session === 'globex' ? 'globex' : 'rth';
      const r = generateSyntheticBars({
        seed: parseIntOption('--seed', opts.seed),
        days: parseIntOption('--days', opts.days, 1),
        startDate: opts.start,
        session,
      });
      writeBarsCsv(opts.out, r.series);
      out(`wrote ${r.series.length} synthetic bars to ${opts.out}`);
    });
}
