// Named cross-field configuration rules, run after the schema; each returns `path: problem (got X)` lines.

import type { Config } from './schema.ts';
import { regimeLabelsFor, REGIME_LABELS_5, REGIME_LABELS_7, minutesOfClock, exceedsCombinePlan } from '../domain/index.ts';
import { describeValue } from './describeValue.ts';
import { unbuiltSeamKinds } from './seamKinds.ts';
import { integrationsCoherent } from './integrationRules.ts';

type Rule = (c: Config) => string[];

function everyStateHasEntry(c: Config): string[] {
  const labels = regimeLabelsFor(c.hmm.n_states);
  const out: string[] = [];
  const tables = ['regime_action', 'stops', 'targets', 'regime_size_multipliers'] as const;
  for (const t of tables) {
    const table = c[t] as Record<string, unknown>;
    for (const l of labels) {
      if (table[l] === undefined)
        out.push(`${t}.${l}: missing; hmm.n_states is ${c.hmm.n_states} so every one of ${labels.join(', ')} needs an entry`);
    }
  }
  return out;
}

function featuresIncludeReturn(c: Config): string[] {
  const out: string[] = [];
  if (!c.hmm.features.includes('log_return'))
    out.push(`hmm.features: must include log_return, states are labelled by its mean (got ${describeValue(c.hmm.features)})`);
  if (new Set(c.hmm.features).size !== c.hmm.features.length) out.push(`hmm.features: lists a feature twice (got ${describeValue(c.hmm.features)})`);
  return out;
}

function labelListsArePermutations(c: Config): string[] {
  const out: string[] = [];
  if (new Set(c.state_labels.five).size !== REGIME_LABELS_5.length)
    out.push(`state_labels.five: each of ${REGIME_LABELS_5.join(', ')} exactly once (got ${describeValue(c.state_labels.five)})`);
  if (new Set(c.state_labels.seven).size !== REGIME_LABELS_7.length)
    out.push(`state_labels.seven: each of ${REGIME_LABELS_7.join(', ')} exactly once (got ${describeValue(c.state_labels.seven)})`);
  return out;
}

function vixTiersAscending(c: Config): string[] {
  const tiers = c.filters.vix.tiers;
  const out: string[] = [];
  for (let i = 0; i < tiers.length; i++) {
    const b = tiers[i]!.below;
    if (b === null && i !== tiers.length - 1) out.push(`filters.vix.tiers.${i}.below: only the last tier may be unbounded (null) (got null)`);
    if (i > 0 && b !== null && tiers[i - 1]!.below !== null && b <= tiers[i - 1]!.below!) {
      out.push(`filters.vix.tiers.${i}.below: tiers must ascend (got ${b} after ${tiers[i - 1]!.below})`);
    }
  }
  if (tiers[tiers.length - 1]!.below !== null)
    out.push(`filters.vix.tiers: the last tier must have below: null to cover every VIX value (got ${tiers[tiers.length - 1]!.below})`);
  return out;
}

function instrumentsConsistent(c: Config): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  c.instruments.forEach((inst, i) => {
    if (seen.has(inst.symbol)) out.push(`instruments.${i}.symbol: listed twice (got ${inst.symbol})`);
    seen.add(inst.symbol);
  });
  if (c.backtest.instrument !== 'auto' && !seen.has(c.backtest.instrument))
    out.push(`backtest.instrument: not in instruments (got ${c.backtest.instrument}; have ${[...seen].join(', ')})`);
  return out;
}

function correlationBucketCoherent(c: Config): string[] {
  const b = c.risk.correlation_bucket;
  if (!b) return [];
  const out: string[] = [];
  const have = c.instruments.map((i) => i.symbol);
  b.symbols.forEach((s, i) => {
    if (!have.includes(s)) out.push(`risk.correlation_bucket.symbols.${i}: not in instruments (got ${s}; have ${have.join(', ')})`);
    else if (b.symbols.indexOf(s) !== i) out.push(`risk.correlation_bucket.symbols.${i}: listed twice (got ${s})`);
  });
  if (b.max_stop_risk_usd === null && b.max_contracts_mini_equivalent === null)
    out.push('risk.correlation_bucket: set max_stop_risk_usd or max_contracts_mini_equivalent (or both), or set the bucket to null (got neither)');
  const m = b.max_contracts_mini_equivalent;
  if (m !== null && Math.abs(m * 10 - Math.round(m * 10)) > 1e-9)
    out.push(`risk.correlation_bucket.max_contracts_mini_equivalent: must be a multiple of 0.1 (one micro) (got ${m})`);
  return out;
}

function sessionWindowsOrdered(c: Config): string[] {
  const w = c.filters.session_windows;
  const out: string[] = [];
  if (minutesOfClock(w.entry_start) >= minutesOfClock(w.entry_cutoff)) {
    out.push(`filters.session_windows.entry_cutoff: must be after entry_start ${w.entry_start} (got ${w.entry_cutoff})`);
  }
  if (minutesOfClock(c.session.rth_start) >= minutesOfClock(c.session.rth_end)) {
    out.push(`session.rth_end: must be after rth_start ${c.session.rth_start} (got ${c.session.rth_end})`);
  }
  return out;
}

function directionsMatchEntryRules(c: Config): string[] {
  const out: string[] = [];
  const longOnly = new Set(['pullback_to_vwap', 'reversal_below_lower_band']);
  for (const [label, a] of Object.entries(c.regime_action)) {
    if (!a) continue;
    if (a.direction === 'flat' && a.entry_rule !== 'none')
      out.push(`regime_action.${label}.entry_rule: must be none when direction is flat (got ${a.entry_rule})`);
    if (a.direction !== 'flat' && a.entry_rule === 'none')
      out.push(`regime_action.${label}.entry_rule: needs a rule when direction is ${a.direction} (got none)`);
    if (a.direction === 'short' && longOnly.has(a.entry_rule))
      out.push(`regime_action.${label}.entry_rule: ${a.entry_rule} enters long but direction is short (got ${a.entry_rule})`);
    if (a.direction === 'long' && a.entry_rule === 'rally_to_vwap')
      out.push(`regime_action.${label}.entry_rule: rally_to_vwap enters short but direction is long (got rally_to_vwap)`);
  }
  return out;
}

function channelsComplete(c: Config): string[] {
  const out: string[] = [];
  const m = c.monitoring;
  if (m.telegram.enabled && !m.telegram.chat_id) out.push('monitoring.telegram.chat_id: required when telegram is enabled (got null)');
  if (m.email.enabled) {
    if (!m.email.smtp_url) out.push('monitoring.email.smtp_url: required when email is enabled (got null)');
    if (!m.email.from) out.push('monitoring.email.from: required when email is enabled (got null)');
    if (m.email.to.length === 0) out.push('monitoring.email.to: at least one recipient when email is enabled (got [])');
  }
  if (m.webhook.enabled && !m.webhook.url) out.push('monitoring.webhook.url: required when webhook is enabled (got null)');
  if (c.journal.kind === 'postgres' && !c.journal.postgres_url) out.push('journal.postgres_url: required when journal.kind is postgres (got null)');
  return out;
}

function lossLimitsCoherent(c: Config): string[] {
  const r = c.risk;
  if (r.daily_loss_limit !== null && r.daily_loss_limit > r.max_loss_limit) {
    return [`risk.daily_loss_limit: must not exceed risk.max_loss_limit ${r.max_loss_limit} (got ${r.daily_loss_limit})`];
  }
  return [];
}

function withinCombinePlan(c: Config): string[] {
  const r = c.risk;
  return exceedsCombinePlan({ accountSizeUsd: r.account_size, maxLossLimitUsd: r.max_loss_limit, maxContractsMinis: r.max_contracts_minis });
}

function walkForwardWindowsDoNotOverlap(c: Config): string[] {
  const w = c.walk_forward;
  if (w.step_days < w.test_days)
    return [
      `walk_forward.step_days: must be >= walk_forward.test_days ${w.test_days}, or test windows overlap and count days twice (got ${w.step_days})`,
    ];
  return [];
}

function rlSizesOrdered(c: Config): string[] {
  if (c.rl.size_full < c.rl.size_small) return [`rl.size_full: must be >= rl.size_small ${c.rl.size_small} (got ${c.rl.size_full})`];
  return [];
}

function leaderTimingCoherent(c: Config): string[] {
  const l = c.leader;
  const out: string[] = [];
  if (l.margin_ms >= l.ttl_ms) out.push(`leader.margin_ms: must be below leader.ttl_ms ${l.ttl_ms} (got ${l.margin_ms})`);
  else if (l.renew_ms >= l.ttl_ms - l.margin_ms)
    out.push(
      `leader.renew_ms: must be below leader.ttl_ms − leader.margin_ms = ${l.ttl_ms - l.margin_ms}, or the leader cannot keep its lease (got ${l.renew_ms})`,
    );
  return out;
}

/** Shared state (several machines) of a session trading several instruments is not built: refused here, not at start-up. */
function sharedStateOneInstrument(c: Config): string[] {
  if (c.state.kind !== 'redis' || c.backtest.instrument !== 'auto') return [];
  const enabled = c.instruments.filter((i) => i.enabled).map((i) => i.symbol);
  if (enabled.length <= 1) return [];
  return [
    `state.kind: redis shares the state of a one-instrument session; a session of several instruments is not built yet (instruments ${enabled.join(', ')} are enabled; enable one, or set backtest.instrument to the one to trade) (got "redis")`,
  ];
}

/** All cross-field rules, by name. */
export const CONFIG_RULES: Record<string, Rule> = {
  everyStateHasEntry,
  featuresIncludeReturn,
  labelListsArePermutations,
  vixTiersAscending,
  instrumentsConsistent,
  correlationBucketCoherent,
  sessionWindowsOrdered,
  directionsMatchEntryRules,
  channelsComplete,
  lossLimitsCoherent,
  withinCombinePlan,
  seamKindsBuilt: unbuiltSeamKinds,
  integrationsCoherent,
  walkForwardWindowsDoNotOverlap,
  rlSizesOrdered,
  leaderTimingCoherent,
  sharedStateOneInstrument,
};

/** Runs every rule and returns all problems. */
export function checkConfigRules(c: Config): string[] {
  return Object.values(CONFIG_RULES).flatMap((rule) => rule(c));
}
