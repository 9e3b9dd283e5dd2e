// `txbot history download`: fetches bars of a root's front-month contract from the gateway into the CSV
// format the data layer reads, resuming after the last timestamp already in the file.

import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { barSeriesFromBars, DataError, UsageError, DAY_MS, daysOfDateKey, quoteSnippet } from '../../domain/index.ts';
import { barsToCsv, isoUtc } from '../../data/index.ts';
import { loadConfig } from '../../config/index.ts';
import {
  connectClient,
  gatewayEndpoints,
  GATEWAY_OPTION,
  RTC_OPTION,
  ContractResolver,
  downloadBars,
  parseTimestampUtcMs,
  BarUnit,
} from '../../broker/index.ts';
import { createProgress } from '../progress.ts';
import { note, out } from '../output.ts';
import { CONFIG_OPTION, outOption, parseIntOption } from '../options.ts';
import { BAR_CSV_OUTPUT_FILE, checkOutputPath } from '../outputPath.ts';

const UNITS: Record<string, BarUnit> = {
  second: BarUnit.Second,
  minute: BarUnit.Minute,
  hour: BarUnit.Hour,
  day: BarUnit.Day,
  week: BarUnit.Week,
  month: BarUnit.Month,
};
const HEADER = 'timestamp,open,high,low,close,volume';

/** A --from/--to value: YYYY-MM-DD (UTC midnight; --to means the end of that day) or an ISO time. */
export function parseRangeBound(flag: string, value: string, endOfDay: boolean): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  if (Number.isNaN(daysOfDateKey(value.slice(0, 10))))
    throw new UsageError(`${flag} must be a real date YYYY-MM-DD or an ISO time (got ${quoteSnippet(value)})`);
  const ms = parseTimestampUtcMs(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw new UsageError(`${flag} must be a date YYYY-MM-DD or an ISO time (got "${value}")`);
  return dateOnly && endOfDay ? ms + DAY_MS : ms;
}

/** Timestamp (UTC ms) of the last data row of a CSV written by this command, or null for a missing/empty file. */
export function lastTimestampInFile(path: string): number | null {
  if (!existsSync(path)) return null;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    const lines = buf
      .toString('utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    const last = lines[lines.length - 1];
    if (!last || last.startsWith('timestamp')) return null;
    const ts = parseTimestampUtcMs(last.split(',')[0]!);
    if (Number.isNaN(ts))
      throw new DataError('DATA_RESUME', `${path}: last line "${last.slice(0, 60)}" does not start with a UTC timestamp; cannot resume`, [], {
        hint: 'remove the file or choose another --out',
      });
    return ts;
  } finally {
    closeSync(fd);
  }
}

interface DownloadOptions {
  symbol?: string;
  contract?: string;
  from: string;
  to: string;
  unit: string;
  unitNumber: string;
  out: string;
  gateway?: string;
  rtc?: string;
  config?: string;
  live?: boolean;
}

export function registerHistoryCommand(program: Command): void {
  const history = program.command('history').description(commandSummary('history'));
  history
    .command('download')
    .description('Download bars to CSV (timestamp,open,high,low,close,volume; UTC); resumes after the last row of an existing file')
    .option('--symbol <root>', 'root symbol resolved to its active front month, e.g. MNQ')
    .option('--contract <id>', 'explicit contract id instead of --symbol, e.g. CON.F.US.MNQ.H26')
    .requiredOption('--from <date>', 'first day (YYYY-MM-DD, UTC) or ISO time')
    .requiredOption('--to <date>', 'last day, inclusive (YYYY-MM-DD, UTC) or ISO time (exclusive)')
    .option('--unit <unit>', 'second, minute, hour, day, week or month', 'minute')
    .option('--unit-number <n>', 'units per bar, e.g. 5 with minute for 5-minute bars', '5')
    .requiredOption(...outOption('file', 'CSV file to write or extend'))
    .option(...GATEWAY_OPTION)
    .option(...RTC_OPTION)
    .option(...CONFIG_OPTION)
    .option('--live', 'use the live data subscription (default: projectx.live_data)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  txbot history download --symbol MNQ --from 2025-01-02 --to 2025-03-31 --unit minute --unit-number 5 --out mnq_5min.csv',
        '  txbot history download --symbol MES --from 2025-01-02 --to 2025-01-31 --unit minute --unit-number 1 --out mes.csv --gateway http://127.0.0.1:8080',
        '',
        'The front month is resolved once for the whole range: for ranges across a roll, download per contract with --contract.',
      ].join('\n'),
    )
    .action(async (opts: DownloadOptions) => {
      if (!opts.symbol && !opts.contract) throw new UsageError('history download needs --symbol <root> or --contract <id>');
      const unit = UNITS[opts.unit.toLowerCase()];
      if (unit === undefined) throw new UsageError(`--unit must be one of ${Object.keys(UNITS).join(', ')} (got "${opts.unit}")`);
      const unitNumber = parseIntOption('--unit-number', opts.unitNumber, 1);
      const fromMs = parseRangeBound('--from', opts.from, false);
      const toMs = parseRangeBound('--to', opts.to, true);
      if (toMs <= fromMs) throw new UsageError(`--to must be after --from (got ${opts.from} .. ${opts.to})`);
      checkOutputPath('--out', opts.out, BAR_CSV_OUTPUT_FILE, [{ option: '--config', path: opts.config }]);
      const endpoints = gatewayEndpoints(loadConfig({ file: opts.config }).config, opts);
      const client = connectClient(endpoints);
      const live = opts.live ?? endpoints.live;
      const contractId = opts.contract ?? (await new ContractResolver(client, live).resolve(opts.symbol!)).contractId;

      const lastMs = lastTimestampInFile(opts.out);
      const startMs = lastMs === null ? fromMs : Math.max(fromMs, lastMs + 1);
      if (lastMs !== null) note(`${opts.out}: resuming after ${isoUtc(lastMs)}`);
      if (startMs >= toMs) {
        out(`${opts.out}: already complete up to ${isoUtc(lastMs!)}; nothing to download`);
        return;
      }
      note(`downloading ${contractId} ${unitNumber} ${opts.unit} bars ${isoUtc(startMs)} .. ${isoUtc(toMs)}`);
      const progress = createProgress('download', 100);
      const bars = await downloadBars(client, {
        contractId,
        live,
        startMs,
        endMs: toMs,
        unit,
        unitNumber,
        onPage: (p) => progress.update(Math.round(p.coveredFraction * 100), `${p.bars} bars, ${p.pages} pages`),
      });
      progress.update(100);
      progress.stop();
      const csv = barsToCsv(barSeriesFromBars(bars));
      if (lastMs === null) writeFileSync(opts.out, csv);
      else if (bars.length > 0) appendFileSync(opts.out, csv.slice(HEADER.length + 1));
      out(
        `${opts.out}: ${lastMs === null ? 'wrote' : 'appended'} ${bars.length} bars of ${contractId}${bars.length ? ` (${isoUtc(bars[0]!.tsMs)} .. ${isoUtc(bars[bars.length - 1]!.tsMs)})` : ''}`,
      );
    });
}
