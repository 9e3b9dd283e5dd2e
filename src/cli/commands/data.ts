// `txbot data inspect|synth`: report on a data file; write seeded synthetic bars.

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { inspectFile, formatInspectReport } from '../../data/index.ts';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { barsToCsv, generateSyntheticBars } from '../../data/index.ts';
import { UsageError } from '../../domain/index.ts';
import { out, note } from '../output.ts';
import { outOption, parseIntOption } from '../options.ts';
import { parseCalendarDateOption, parseChoiceOption, parseZoneOption } from '../optionValues.ts';
import { BAR_CSV_OUTPUT_FILE, checkOutputPath, writeFileAtomic } from '../outputPath.ts';

/** Trading days `data synth` writes at most (about 40 years; beyond that the output is only a memory hazard). */
const MAX_SYNTH_DAYS = 10_000;

export function registerDataCommand(program: Command): void {
  const data = program.command('data').description(commandSummary('data'));
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
      const timezone = parseZoneOption('--timezone', opts.timezone);
      note(`inspecting ${file} ...`);
      const rep = await inspectFile(file, { timezone });
      out(formatInspectReport(rep).join('\n'));
    });
  data
    .command('synth')
    .requiredOption(...outOption('file', 'CSV file to write'))
    .option('--seed <n>', 'random seed', '1')
    .option('--days <n>', 'trading days', '60')
    .option('--start <date>', 'first trading date', '2024-01-02')
    .option('--session <kind>', 'rth or globex', 'rth')
    .description('Write seeded regime-switching synthetic 5-minute bars (same seed, same bytes)')
    .addHelpText('after', '\nExamples:\n  txbot data synth --seed 7 --days 120 --out synth.csv')
    .action((opts: { out: string; seed: string; days: string; start: string; session: string }) => {
      const session = parseChoiceOption('--session', opts.session, ['rth', 'globex'] as const)!;
      const seed = parseIntOption('--seed', opts.seed);
      const days = parseIntOption('--days', opts.days, 1);
      if (days > MAX_SYNTH_DAYS) throw new UsageError(`--days must be at most ${MAX_SYNTH_DAYS} (got "${opts.days}")`);
      const startDate = parseCalendarDateOption('--start', opts.start)!;
      const outPath = checkOutputPath('--out', opts.out, BAR_CSV_OUTPUT_FILE, []);
      const r = generateSyntheticBars({ seed, days, startDate, session });
      mkdirSync(dirname(outPath), { recursive: true });
      writeFileAtomic(outPath, barsToCsv(r.series));
      out(`wrote ${r.series.length} synthetic bars to ${opts.out}`);
    });
}
