// Entry filters combined: session window, news blackout, VIX tier, sentiment; one verdict per decision instant.

import type { Config } from '../../config/index.ts';
import type { PluginError, RegimeLabel } from '../../domain/index.ts';
import { pluginThrew, runGuarded } from '../guard.ts';
import { EMPTY_CALENDAR, isBlackoutPeriod, type BlackoutCheck, type BlackoutConfig, type CalendarSource } from './blackout.ts';
import { checkEntryWindow, type SessionWindowConfig } from './sessionWindow.ts';
import { NEUTRAL_SENTIMENT, sentimentSizeMultiplier, type SentimentConfig, type SentimentSource } from './sentiment.ts';
import { getVixMultiplier, vixForTradingDate, type VixTable, type VixTier } from './vix.ts';

export * from './vix.ts';
export * from './blackout.ts';
export * from './sessionWindow.ts';
export * from './sentiment.ts';

/** All filter settings, plain values (build with filterSettingsFromConfig). */
export interface FilterSettings {
  readonly window: SessionWindowConfig;
  readonly blackout: BlackoutConfig;
  readonly vixEnabled: boolean;
  readonly vixTiers: readonly VixTier[];
  readonly sentiment: SentimentConfig;
}

/** Maps config sections `filters` and `session` to FilterSettings. */
export function filterSettingsFromConfig(config: Pick<Config, 'filters' | 'session'>): FilterSettings {
  const f = config.filters;
  const s = config.session;
  return {
    window: {
      entryStart: f.session_windows.entry_start,
      entryCutoff: f.session_windows.entry_cutoff,
      timeZone: s.timezone,
      flatTime: s.flat_time,
      flatTimeZone: s.flat_timezone,
      noEntryMinutesBeforeFlat: f.session_windows.no_entry_minutes_before_flat,
      earlyCloseTime: s.early_close_time,
    },
    blackout: {
      highImpactTimesEt: f.news.high_impact_times_et,
      minutesBefore: f.news.blackout_minutes_before,
      minutesAfter: f.news.blackout_minutes_after,
      calendarTiers: f.news.calendar_tiers,
    },
    vixEnabled: f.vix.enabled,
    vixTiers: f.vix.tiers,
    sentiment: { threshold: f.sentiment.threshold, reduceMultiplier: f.sentiment.reduce_multiplier },
  };
}

/** Inputs of one filter evaluation. */
export interface FilterContext {
  /** Decision instant (bar close), UTC epoch ms. */
  readonly tsMs: number;
  /** CME trade date "YYYY-MM-DD" of the bar (domain/session.ts sessionInfo). */
  readonly tradingDate: string;
  readonly regime: RegimeLabel;
  readonly settings: FilterSettings;
  /** Daily VIX closes; null/absent = no VIX scaling. */
  readonly vixTable?: VixTable | null;
  readonly calendar?: CalendarSource;
  readonly sentiment?: SentimentSource;
}

/** Stable codes of a filter verdict. */
export type FilterCode = 'OK' | 'BEFORE_ENTRY_START' | 'AFTER_ENTRY_CUTOFF' | 'NEAR_FLAT_TIME' | 'NEWS_BLACKOUT' | 'VIX_TOO_HIGH';

/** What the filters allow at a decision instant, and the multipliers the sizing uses. */
export interface FilterVerdict {
  readonly allowEntry: boolean;
  readonly code: FilterCode;
  /** Human-readable reason with the facts. */
  readonly reason: string;
  /** VIX used (previous session close) or null when unknown/disabled. */
  readonly vix: number | null;
  /** In [0, 1]; 1 when disabled or unknown. */
  readonly vixMultiplier: number;
  /** Sentiment in [-1, 1] (0 when the source failed). */
  readonly sentiment: number;
  /** Size multiplier from sentiment (1 = none). */
  readonly newsMultiplier: number;
  /** Set when a plug-in (sentiment, calendar) failed and its default was used. */
  readonly pluginErrors: readonly PluginError[];
}

const NEUTRAL_RESULT = { value: 0, error: null } as const;
const validScore = (v: number): string | null => (Number.isFinite(v) && v >= -1 && v <= 1 ? null : `score must be in [-1, 1] (got ${v})`);

/** A filter verdict (one literal of a fixed shape). */
function verdictOf(
  allowEntry: boolean,
  code: FilterCode,
  reason: string,
  vix: number | null,
  vixMultiplier: number,
  sentiment: number,
  newsMultiplier: number,
  pluginErrors: readonly PluginError[],
): FilterVerdict {
  return { allowEntry, code, reason, vix, vixMultiplier, sentiment, newsMultiplier, pluginErrors };
}

const NO_ERRORS: readonly PluginError[] = Object.freeze([]);

/**
 * Evaluates every filter in a fixed order (window, blackout, VIX) and returns the first block, or
 * OK; multipliers are always filled in. A failing calendar plug-in fails closed (blackout), a failing
 * sentiment plug-in falls back to neutral. No closures on the per-bar path (the guards are inline).
 */
export function evaluateFilters(ctx: FilterContext): FilterVerdict {
  const st = ctx.settings;
  let errors: PluginError[] | null = null;
  const vix = st.vixEnabled && ctx.vixTable ? vixForTradingDate(ctx.vixTable, ctx.tradingDate) : null;
  const vixMultiplier = st.vixEnabled ? getVixMultiplier(vix, st.vixTiers) : 1;
  const source = ctx.sentiment ?? NEUTRAL_SENTIMENT;
  // the default source needs no guard
  const sent =
    source === NEUTRAL_SENTIMENT
      ? NEUTRAL_RESULT
      : runGuarded(
          'sentiment_score',
          () => source.scoreAt(ctx.tsMs),
          () => 0,
          validScore,
          'neutral sentiment (0)',
        );
  if (sent.error) (errors ??= []).push(sent.error);
  const sentiment = sent.value;
  const newsMultiplier = sentimentSizeMultiplier(sentiment, ctx.regime, st.sentiment);

  const w = checkEntryWindow(ctx.tsMs, st.window);
  if (!w.allowed) return verdictOf(false, w.code, w.detail, vix, vixMultiplier, sentiment, newsMultiplier, errors ?? NO_ERRORS);
  let cal: BlackoutCheck | null;
  try {
    cal = isBlackoutPeriod(ctx.tsMs, st.blackout, ctx.calendar ?? EMPTY_CALENDAR);
  } catch (cause) {
    const error = pluginThrew('live_calendar', cause, 'blackout (no new entries)');
    (errors ??= []).push(error);
    return verdictOf(
      false,
      'NEWS_BLACKOUT',
      `calendar unavailable, treated as blackout: ${error.message}`,
      vix,
      vixMultiplier,
      sentiment,
      newsMultiplier,
      errors,
    );
  }
  if (cal === null)
    return verdictOf(
      false,
      'NEWS_BLACKOUT',
      'calendar unavailable, treated as blackout: no result',
      vix,
      vixMultiplier,
      sentiment,
      newsMultiplier,
      errors ?? NO_ERRORS,
    );
  if (cal.blackout) return verdictOf(false, 'NEWS_BLACKOUT', cal.detail, vix, vixMultiplier, sentiment, newsMultiplier, errors ?? NO_ERRORS);
  if (vixMultiplier <= 0)
    return verdictOf(false, 'VIX_TOO_HIGH', `vix=${vix} multiplier=0`, vix, vixMultiplier, sentiment, newsMultiplier, errors ?? NO_ERRORS);
  return verdictOf(true, 'OK', 'all filters pass', vix, vixMultiplier, sentiment, newsMultiplier, errors ?? NO_ERRORS);
}
