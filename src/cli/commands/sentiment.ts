// `txbot sentiment now|history|backfill`: the session sentiment the engine would size with, its articles and the journal.

import { instrumentOf } from '../../config/index.ts';
import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { loadConfig, type LoadedConfig } from '../../config/index.ts';
import { UsageError } from '../../domain/index.ts';
import {
  etClockToUtc,
  addDays,
  etDateKey,
  backfillSentiment,
  createSentimentFeed,
  newsClient,
  newsQueries,
  pollPlan,
  requestBudget,
  type FeedSource,
  type SentimentFeed,
  type IntegrationDeps,
} from '../../integrations/index.ts';
import { sentimentSizeMultiplier } from '../../strategy/index.ts';
import { cliIntegrationDeps, etClock } from '../integrationDeps.ts';
import { CONFIG_OPTION, parseDateOption } from '../options.ts';
import { note, out, table } from '../output.ts';

interface SentimentOptions {
  source?: string;
  symbol?: string;
  url?: string;
  date?: string;
  from?: string;
  to?: string;
  config?: string;
  json?: boolean;
}

const SOURCES: readonly FeedSource[] = ['alphavantage', 'alpaca', 'recorded'];

function open(
  opts: SentimentOptions,
  mode: 'paper' | 'backtest',
): { loaded: LoadedConfig; deps: IntegrationDeps; feed: SentimentFeed; symbol: string } {
  if (opts.source !== undefined && !SOURCES.includes(opts.source as FeedSource))
    throw new UsageError(`--source: expected one of ${SOURCES.join(', ')} (got "${opts.source}")`);
  const loaded = loadConfig({ file: opts.config });
  const symbol = opts.symbol ?? instrumentOf(loaded.config).symbol;
  const source =
    (opts.source as FeedSource | undefined) ??
    (loaded.config.filters.sentiment.source === 'none' ? undefined : loaded.config.filters.sentiment.source);
  if (!source) throw new UsageError('filters.sentiment.source is none: pass --source alphavantage | alpaca | recorded');
  const deps = cliIntegrationDeps(loaded);
  const feed = createSentimentFeed(loaded.config, deps, { mode, symbols: [symbol], source, url: opts.url })!;
  return { loaded, deps, feed, symbol };
}

async function now(opts: SentimentOptions): Promise<void> {
  const { loaded, deps, feed, symbol } = open(opts, 'paper');
  // no feed.start(): the background plan must not spend a second request
  const poll = feed.live ? (await feed.pollNow([symbol]))[0]! : null;
  if (poll && !poll.ok) note(`${feed.vendor}: poll failed (${poll.code}); showing the journaled polls the engine would use`);
  await feed.stop();
  const t = deps.nowMs();
  const r = feed.sourceFor(symbol).readingAt(t);
  const s = loaded.config.filters.sentiment;
  const cfg = { threshold: s.threshold, reduceMultiplier: s.reduce_multiplier };
  const multipliers = { bullishRegime: sentimentSizeMultiplier(r.value, 'BULL', cfg), bearishRegime: sentimentSizeMultiplier(r.value, 'BEAR', cfg) };
  const status = feed.status();
  if (opts.json) {
    out(
      JSON.stringify(
        { symbol, tsMs: t, source: feed.vendor, live: feed.live, using: status.using, ...r, newsMultiplier: multipliers, poll },
        null,
        2,
      ),
    );
    return;
  }
  const weak = feed.vendor === 'alpaca' ? ' (headlines scored locally by the AFINN lexicon: a weak signal)' : '';
  out(`${symbol} sentiment ${r.value >= 0 ? '+' : ''}${r.value.toFixed(3)} (${r.reason}) from ${status.using}${weak}`);
  out(
    `articles since ${etDateKey(r.sinceMs)} ${etClock(r.sinceMs)} ET: ${r.articles}; last poll ${r.lastPollMs ? `${etDateKey(r.lastPollMs)} ${etClock(r.lastPollMs)} ET` : 'none'}` +
      (Number.isFinite(r.weightedMean) ? `; weighted mean score ${r.weightedMean.toFixed(3)} / ${s.bullish_score}` : ''),
  );
  out(
    `news size multiplier: ${multipliers.bullishRegime} in bullish regimes (long size), ${multipliers.bearishRegime} in bearish regimes (short size)`,
  );
}

function history(opts: SentimentOptions): void {
  const { deps, feed, symbol } = open(opts, 'backtest');
  const day = parseDateOption('--date', opts.date) ?? etDateKey(deps.nowMs());
  const fromMs = etClockToUtc(day, '00:00');
  const toMs = etClockToUtc(addDays(day, 1), '00:00') - 1;
  const src = feed.sourceFor(symbol);
  const rows = feed.journal.recordsBetween(symbol, fromMs, toMs).map((rec) => ({
    knownAtMs: rec.knownAtMs,
    polled: rec.articles.length,
    backfilled: rec.backfilled ?? false,
    ...src.readingAt(rec.knownAtMs),
  }));
  if (opts.json) {
    out(JSON.stringify({ symbol, date: day, journal: feed.journal.dir, readings: rows }, null, 2));
    return;
  }
  out(`${symbol} ${day}: ${rows.length} journaled polls in ${feed.journal.dir}`);
  if (rows.length)
    out(
      table(
        ['known at ET', 'articles polled', 'counted', 'sentiment', 'reason', 'backfilled'],
        rows.map((r) => [etClock(r.knownAtMs), r.polled, r.articles, r.value.toFixed(3), r.reason, r.backfilled ? 'yes' : 'no']),
      ),
    );
}

async function backfill(opts: SentimentOptions): Promise<void> {
  const from = parseDateOption('--from', opts.from);
  const to = parseDateOption('--to', opts.to);
  if (!from || !to || from > to)
    throw new UsageError(`--from and --to: dates YYYY-MM-DD with from <= to (got ${opts.from ?? 'none'}..${opts.to ?? 'none'})`);
  const src = opts.source ?? 'alphavantage';
  if (src !== 'alphavantage' && src !== 'alpaca') throw new UsageError(`--source: backfill needs a vendor, alphavantage | alpaca (got "${src}")`);
  const loaded = loadConfig({ file: opts.config });
  const deps = cliIntegrationDeps(loaded);
  const symbol = opts.symbol ?? instrumentOf(loaded.config).symbol;
  const s = loaded.config.filters.sentiment;
  const queries = newsQueries(s, [symbol]);
  if (queries.size === 0) throw new UsageError(`--symbol ${symbol}: no filters.sentiment.instruments entry`);
  const feed = createSentimentFeed(loaded.config, deps, { mode: 'backtest', symbols: [symbol], source: src })!;
  const budget = requestBudget(loaded.config, deps, src);
  if (budget) note(`${src}: ${budget.remaining()} of ${budget.limitPerDay} requests left today`);
  const report = await backfillSentiment({
    client: newsClient(loaded.config, src, process.env, opts.url),
    journal: feed.journal,
    queries,
    plan: pollPlan(s, src, 1),
    sessionCloseEt: s.session_close_et,
    budget,
    fromDate: from,
    toDate: to,
    logger: deps.logger,
  });
  if (opts.json) {
    out(JSON.stringify(report, null, 2));
    return;
  }
  out(
    `${symbol} ${from}..${to}: ${report.daysWritten[symbol] ?? 0} weekdays written, ${report.daysSkipped[symbol] ?? 0} already journaled, ${report.requests} requests`,
  );
  if (report.stoppedAt) out(`stopped at ${report.stoppedAt}: ${report.stopReason} (run again later to continue)`);
}

/** Registers `txbot sentiment now|history|backfill`. */
export function registerSentimentCommand(program: Command): void {
  const cmd = program.command('sentiment').description(commandSummary('sentiment'));
  const common = (c: Command) =>
    c
      .option('--symbol <root>', 'instrument root (default: backtest.instrument)')
      .option(...CONFIG_OPTION)
      .option('--json', 'print as JSON');
  common(
    cmd
      .command('now')
      .description('Poll once (one request of the daily budget) and print the value the engine would use now, with its multiplier')
      .option('--source <kind>', `${SOURCES.join(' | ')} (default: filters.sentiment.source)`)
      .option('--url <url>', 'override the vendor base URL (e.g. a local server)'),
  )
    .addHelpText(
      'after',
      '\nKeys: ALPHAVANTAGE_API_KEY, or ALPACA_API_KEY_ID and ALPACA_API_SECRET_KEY.\n\nExamples:\n  txbot sentiment now --source alphavantage\n  txbot sentiment now --source recorded --symbol MES --json\n',
    )
    .action(now);
  common(
    cmd
      .command('history')
      .description('The journaled polls of one ET day and the value after each (what a backtest replays)')
      .option('--source <kind>', `${SOURCES.join(' | ')} (default: filters.sentiment.source; recorded = filters.sentiment.recorded_source)`)
      .option('--date <YYYY-MM-DD>', 'ET date (default: today)'),
  )
    .addHelpText('after', '\nExamples:\n  txbot sentiment history --date 2025-03-12\n  txbot sentiment history --source alpaca --json\n')
    .action(history);
  common(
    cmd
      .command('backfill')
      .description("Fill the journal from the vendor's history as the live poll plan would have seen it, within the daily budget")
      .requiredOption('--from <YYYY-MM-DD>', 'first ET date')
      .requiredOption('--to <YYYY-MM-DD>', 'last ET date')
      .option('--source <vendor>', 'alphavantage | alpaca (default alphavantage)')
      .option('--url <url>', 'override the vendor base URL (e.g. a local server)'),
  )
    .addHelpText(
      'after',
      '\nOne Alpha Vantage request covers up to a week of one instrument (halved while the answer is truncated);\nit stops when the daily budget is used up: run it again the next day to continue.\n\nExamples:\n  txbot sentiment backfill --from 2025-01-02 --to 2025-03-31\n  txbot sentiment backfill --from 2025-03-10 --to 2025-03-14 --source alpaca --symbol MES\n',
    )
    .action(backfill);
}
