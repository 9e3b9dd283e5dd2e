// Config sections for the trading strategy: VWAP, filters, REGIME_ACTION, stops, targets, size multipliers.

import { z } from 'zod';
import { clockTime, regimeTable } from './common.ts';
import { calendarSchema, sentimentFeedKeys } from './integrations.ts';

export const vwapSchema = z
  .strictObject({
    anchor_time: clockTime.default('09:30').describe('Session VWAP reset time (session timezone).'),
    band_multipliers: z.array(z.number().positive()).min(1).default([1, 2]).describe('Standard-deviation band multipliers.'),
    price_source: z.enum(['typical', 'close', 'ohlc4']).default('typical').describe('Price used per bar: typical = (H+L+C)/3.'),
    anchored_vwap: z.boolean().default(true).describe('CRASH bounce targets the VWAP anchored at the start of the crash regime.'),
    touch_tolerance_sigma: z.number().min(0).max(2).default(0.25).describe('Pullback/rally entries: the bar must come within this many σ of VWAP.'),
    entry_band_sigma: z
      .number()
      .positive()
      .max(5)
      .default(2)
      .describe('Band (in σ) that fade_bands entries touch and reversal_below_lower_band entries break.'),
  })
  .prefault({});

const vixTier = z.strictObject({
  below: z.number().positive().nullable().describe('Upper bound (exclusive) of this tier; null = no bound.'),
  multiplier: z.number().min(0).max(1).describe('Size multiplier; 0 = no new trades.'),
});

export const filtersSchema = z
  .strictObject({
    vix: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Scale size by the previous session VIX close.'),
        file: z.string().nullable().default(null).describe('Daily VIX CSV (date,open,high,low,close); null = the shared Cboe file when present.'),
        source: z
          .enum(['file', 'cboe'])
          .default('file')
          .describe(
            'Where paper/live runs get the previous close: file = the CSV only; cboe = the Cboe daily history, the CSV as fallback. Backtests use the file.',
          ),
        cboe_url: z
          .string()
          .url()
          .default('https://cdn.cboe.com/api/global/us_indices/daily_prices/VIX_History.csv')
          .describe('Cboe daily VIX history CSV (DATE,OPEN,HIGH,LOW,CLOSE).'),
        refresh_time_et: clockTime
          .default('08:00')
          .describe('Daily time (ET) of the Cboe download, before the open; also fetched at start-up when the cache is older.'),
        max_age_days: z
          .number()
          .int()
          .min(1)
          .max(30)
          .default(4)
          .describe('Alert VIX_STALE when the newest close is more than this many calendar days before the trade date.'),
        timeout_ms: z.number().int().min(100).max(120_000).default(15_000).describe('Timeout of one Cboe download.'),
        tiers: z
          .array(vixTier)
          .min(1)
          .default([
            { below: 20, multiplier: 1 },
            { below: 30, multiplier: 0.5 },
            { below: 35, multiplier: 0.25 },
            { below: null, multiplier: 0 },
          ])
          .describe('Tiers in ascending order; the first whose `below` exceeds VIX applies.'),
      })
      .prefault({}),
    news: z
      .strictObject({
        high_impact_times_et: z.array(clockTime).default(['08:30', '10:00', '14:00']).describe('Daily times (ET) treated as news events.'),
        blackout_minutes_before: z.number().int().min(0).max(240).default(5).describe('Minutes before an event with no new entries.'),
        blackout_minutes_after: z.number().int().min(0).max(240).default(15).describe('Minutes after an event with no new entries.'),
        calendar_file: z
          .string()
          .nullable()
          .default(null)
          .describe('Economic calendar CSV (datetime_et,event,tier); null = the shared file when present.'),
        calendar_tiers: z
          .array(z.enum(['big', 'normal']))
          .default(['big', 'normal'])
          .describe('Calendar tiers that trigger a blackout.'),
      })
      .prefault({}),
    cache_dir: z
      .string()
      .default('.txbot/integrations')
      .describe('Folder of the last good calendar/VIX copies, the sentiment journal and the request budget (relative to the config file).'),
    calendar: calendarSchema,
    session_windows: z
      .strictObject({
        entry_start: clockTime.default('09:35').describe('No new entries before this time (session timezone).'),
        entry_cutoff: clockTime.default('15:30').describe('No new entries after this time (session timezone).'),
        no_entry_minutes_before_flat: z.number().int().min(0).max(240).default(20).describe('No new entries this many minutes before flat_time.'),
      })
      .prefault({}),
    sentiment: z
      .strictObject({
        source: z
          .enum(['none', 'alphavantage', 'alpaca', 'recorded'])
          .default('none')
          .describe(
            'Sentiment source (PLUG: sentiment_score): none = always 0; alphavantage (scored), alpaca (headlines scored locally); recorded = replay the journal.',
          ),
        threshold: z.number().min(0).max(1).default(0.5).describe('|sentiment| at or above which size is reduced.'),
        reduce_multiplier: z.number().min(0).max(1).default(0.5).describe('Size multiplier applied against strong opposing news.'),
        ...sentimentFeedKeys,
      })
      .prefault({}),
  })
  .prefault({});

export const DIRECTIONS = ['long', 'short', 'both', 'flat'] as const;
export const ENTRY_RULES = ['pullback_to_vwap', 'rally_to_vwap', 'fade_bands', 'reversal_below_lower_band', 'none'] as const;

export const regimeAction = z.strictObject({
  direction: z.enum(DIRECTIONS).describe('Trade direction allowed in this regime.'),
  entry_rule: z.enum(ENTRY_RULES).describe('Entry rule.'),
  base_size: z.number().int().min(0).describe('Contracts before multipliers.'),
  max_trades_per_session: z.number().int().min(0).describe('Entries allowed per session in this regime.'),
});

export const regimeActionSchema = regimeTable(regimeAction, {
  STRONG_BULL: { direction: 'long', entry_rule: 'pullback_to_vwap', base_size: 2, max_trades_per_session: 3 },
  BULL: { direction: 'long', entry_rule: 'pullback_to_vwap', base_size: 2, max_trades_per_session: 2 },
  SOFT_BULL: { direction: 'long', entry_rule: 'pullback_to_vwap', base_size: 1, max_trades_per_session: 2 },
  NEUTRAL: { direction: 'both', entry_rule: 'fade_bands', base_size: 1, max_trades_per_session: 2 },
  SOFT_BEAR: { direction: 'short', entry_rule: 'rally_to_vwap', base_size: 1, max_trades_per_session: 2 },
  BEAR: { direction: 'short', entry_rule: 'rally_to_vwap', base_size: 2, max_trades_per_session: 2 },
  CRASH: { direction: 'long', entry_rule: 'reversal_below_lower_band', base_size: 1, max_trades_per_session: 1 },
});

export const stopTicks = z.number().int().min(1).max(1000).describe('Stop distance in ticks.');

export const stopsSchema = regimeTable(stopTicks, {
  STRONG_BULL: 60,
  BULL: 50,
  SOFT_BULL: 50,
  NEUTRAL: 40,
  SOFT_BEAR: 50,
  BEAR: 50,
  CRASH: 40,
});

export const target = z.strictObject({
  kind: z.enum(['band', 'vwap', 'r_multiple']).describe('band = a VWAP band, vwap = the VWAP, r_multiple = multiple of the stop distance.'),
  value: z.number().describe('Band multiplier (signed: +2 = upper 2σ band) or R multiple; ignored for vwap.'),
});

export const targetsSchema = regimeTable(target, {
  STRONG_BULL: { kind: 'r_multiple', value: 2 },
  BULL: { kind: 'r_multiple', value: 1.5 },
  SOFT_BULL: { kind: 'r_multiple', value: 1.5 },
  NEUTRAL: { kind: 'vwap', value: 0 },
  SOFT_BEAR: { kind: 'r_multiple', value: 1.5 },
  BEAR: { kind: 'r_multiple', value: 1.5 },
  CRASH: { kind: 'vwap', value: 0 },
});

export const sizeMultiplier = z.number().min(0).max(2);

export const regimeSizeMultipliersSchema = regimeTable(sizeMultiplier, {
  STRONG_BULL: 1,
  BULL: 1,
  SOFT_BULL: 0.75,
  NEUTRAL: 0.5,
  SOFT_BEAR: 0.75,
  BEAR: 1,
  CRASH: 0.5,
});

export const entriesSchema = z
  .strictObject({
    min_reward_risk: z
      .number()
      .min(0)
      .max(20)
      .default(1)
      .describe('Skip entries whose target is closer than this multiple of the stop distance (0 = no minimum).'),
    limit_entry_bars: z.number().int().min(1).max(100).default(3).describe('Bars a limit entry stays working before it is cancelled.'),
  })
  .prefault({});
