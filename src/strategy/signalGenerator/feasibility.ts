// Can a regime's rule ever pass its own filters? Its typical reward (entry rule → target) against entries.min_reward_risk × its stop.

import { instrumentConfig, type Config } from '../../config/index.ts';
import { regimeLabelsFor } from '../../domain/index.ts';

/**
 * Median session-VWAP σ (points) on 5-minute bars inside the entry window, measured with txbot's SessionVwap
 * on ../shared/data: ES 2019-01-01..2023-03-24 (FirstRate, 71,071 bars; p25 3.54, p75 10.72) for MES;
 * NQ 2023-01-02..2023-02-22 (2,316 bars; the two FirstRate samples give 30.2 and 44.8) for MNQ;
 * MGC 2021-01-01..2025-12-19 (Databento, 64,150 bars, 08:50-13:00 ET; p25 2.09, p75 5.13). No M2K data.
 */
export const TYPICAL_SESSION_SIGMA_POINTS: Readonly<Record<string, number>> = { MES: 6.37, MNQ: 37.33, MGC: 3.3 };

/** Where an entry rule usually fills and its side: offset from VWAP in σ (fade_bands: each side). */
function entries(rule: string, direction: string, k: number): { side: 1 | -1; offsetSigma: number; what: string }[] {
  switch (rule) {
    case 'pullback_to_vwap':
      return [{ side: 1, offsetSigma: 0, what: 'a pullback_to_vwap long at VWAP' }];
    case 'rally_to_vwap':
      return [{ side: -1, offsetSigma: 0, what: 'a rally_to_vwap short at VWAP' }];
    case 'reversal_below_lower_band':
      return [{ side: 1, offsetSigma: -k, what: `a reversal_below_lower_band long at −${k}σ` }];
    case 'fade_bands': {
      const out: { side: 1 | -1; offsetSigma: number; what: string }[] = [];
      if (direction !== 'long') out.push({ side: -1, offsetSigma: k, what: `a fade_bands short at +${k}σ` });
      if (direction !== 'short') out.push({ side: 1, offsetSigma: -k, what: `a fade_bands long at −${k}σ` });
      return out;
    }
    default:
      return [];
  }
}

/**
 * Warnings, one line per regime (and instrument) whose rule cannot pass its filters: a target behind the
 * entry (never), an R multiple below entries.min_reward_risk (never), or a band/VWAP target whose reward at
 * typical volatility is below min_reward_risk × the stop. `sigmaPoints` overrides the typical σ per symbol.
 */
export function regimeRuleWarnings(config: Config, sigmaPoints: Readonly<Record<string, number>> = TYPICAL_SESSION_SIGMA_POINTS): string[] {
  const out: string[] = [];
  const labels = regimeLabelsFor(config.hmm.n_states);
  const minRr = config.entries.min_reward_risk;
  for (const inst of config.instruments) {
    const c = instrumentConfig(config, inst.symbol);
    const sigma = sigmaPoints[inst.symbol];
    for (const label of labels) {
      const a = c.regime_action[label];
      const stop = c.stops[label];
      const t = c.targets[label];
      if (!a || a.direction === 'flat' || a.entry_rule === 'none' || stop === undefined || !t) continue;
      const stopPts = stop * inst.tick_size;
      if (t.kind === 'r_multiple') {
        if (t.value < minRr)
          out.push(`targets.${label}: r_multiple ${t.value} is below entries.min_reward_risk ${minRr}: ${label} can never trade (got ${t.value})`);
        continue;
      }
      const targetSigma = t.kind === 'vwap' ? 0 : t.value;
      for (const e of entries(a.entry_rule, a.direction, c.vwap.entry_band_sigma)) {
        const rewardSigma = e.side * (targetSigma - e.offsetSigma);
        const targetName = t.kind === 'vwap' ? 'the VWAP' : `band ${t.value > 0 ? '+' : ''}${t.value}σ`;
        if (rewardSigma <= 0) {
          out.push(`targets.${label}: ${targetName} is not beyond ${e.what}: ${label} can never trade (got ${t.kind} ${t.value})`);
          continue;
        }
        if (sigma === undefined || minRr === 0) continue;
        const reward = rewardSigma * sigma;
        if (reward < minRr * stopPts)
          out.push(
            `targets.${label}: on ${inst.symbol} ${e.what} to ${targetName} gains about ${reward.toFixed(2)} points at typical volatility (σ ${sigma}), below entries.min_reward_risk ${minRr} × stop ${stop} ticks (${stopPts.toFixed(2)} points): ${label} would rarely or never trade`,
          );
      }
    }
  }
  return [...new Set(out)];
}
