// The trading environment (Gymnasium API) over THE engine session: the same SimBroker, fill rules, costs and risk manager as `txbot backtest`, with the RL agent as an external decision policy.

import { barAt, createRng, sessionInfo, TradingState, type BarSeries, type Rng } from '../domain/index.ts';
import { SimBroker } from '../broker/index.ts';
import { EngineSession, PolicyQuestion, type Step, type TradeRecord, type RunContext } from '../engine/index.ts';
import type { RegimeModel } from '../regime/index.ts';
import type { RiskManager, DecisionPolicy, PolicyDecision } from '../strategy/index.ts';
import type { Env, EnvInfo, ResetResult, StepResult } from './envTypes.ts';
import { lossScaleUsd, ObservationBuilder, OBSERVATION_SIZE } from './observation.ts';
import { ACTION_COUNT, actionDecision, actionMask, actionSettingsFromConfig, type ActionSettings } from './tradingActions.ts';

/** The RL agent inside the engine: its questions are yielded by the session to this env's driver. */
export const EXTERNAL_POLICY: DecisionPolicy = {
  name: 'rl-env',
  external: true,
  decide: () => {
    throw new Error('the RL environment policy is answered by TradingEnv.step, not called');
  },
};

export interface TradingEnvOptions {
  /** Bars (validated, sorted); episodes are drawn from the trading days in [fromMs, toMs). */
  readonly series: BarSeries;
  readonly fromMs: number;
  readonly toMs: number;
  /** The regime model (trained only on bars before fromMs); filtered probabilities as live. */
  readonly model: RegimeModel;
  /** Days per episode (default config rl.episode_days; Infinity = the whole range, one episode from its first day). */
  readonly episodeDays?: number;
  /** Days fed before an episode without deciding (default config rl.warmup_days). */
  readonly warmupDays?: number;
  /** Reward (default config rl.reward). */
  readonly reward?: 'realized' | 'mark_to_market';
  /** Episodes in day order, cycling (evaluation) instead of a seeded random start day (training). */
  readonly sequential?: boolean;
  /** Truncate an episode after this many steps (default none). */
  readonly maxSteps?: number;
}

/** Trading days of a series: first bar index of each day and the day number. */
interface DayIndex {
  readonly start: number[];
  readonly day: number[];
}

function dayIndex(s: BarSeries): DayIndex {
  const start: number[] = [];
  const day: number[] = [];
  let last = Number.NaN;
  for (let i = 0; i < s.length; i++) {
    const d = sessionInfo(s.tsMs[i]!).tradingDay;
    if (d !== last) {
      start.push(i);
      day.push(d);
      last = d;
    }
  }
  return { start, day };
}

/**
 * One account on one instrument, an episode = `episodeDays` trading days (a fresh account, balance =
 * backtest.initial_balance or risk.account_size). reset() feeds the warm-up days to the VWAP and the
 * regime filter (nothing decided) and runs the session to the first decided bar; step(a) answers that
 * bar's question with target position `a` and runs to the next decided bar. Terminated: the episode's
 * last day ended (flat at the session end) or the risk manager halted on a loss limit (breach);
 * truncated: the data ran out first or maxSteps was reached. Reward (units: the daily loss limit):
 * `realized` = net P&L of each trade closed in the step (commissions and slippage included), minus
 * rl.dll_penalty × (day loss / daily loss limit)² per closed trade; `mark_to_market` = the change of
 * equity over the step, with the same penalty. No reward is ever given for trading itself.
 */
export class TradingEnv implements Env {
  readonly observationSpace = { shape: [OBSERVATION_SIZE] };
  readonly actionSpace = { n: ACTION_COUNT };
  private readonly ctx: RunContext;
  private readonly o: TradingEnvOptions;
  private readonly days: DayIndex;
  /** Indices into days of the days in [fromMs, toMs). */
  private readonly firstDay: number;
  private readonly lastDay: number;
  private readonly episodeDays: number;
  private readonly warmupDays: number;
  private readonly reward: 'realized' | 'mark_to_market';
  private readonly actions: ActionSettings;
  private readonly scale: number;
  private readonly dllPenalty: number;
  private rng: Rng = createRng(0);
  private nextSequential = 0;
  private session: EngineSession | null = null;
  private risk: RiskManager | null = null;
  private builder: ObservationBuilder;
  private gen: Step | null = null;
  private question: PolicyQuestion | null = null;
  private cursor = 0;
  private end = 0;
  private steps = 0;
  private tradesSeen = 0;
  private lastEquity = 0;
  private obs = new Float64Array(OBSERVATION_SIZE);
  private mask = new Uint8Array(ACTION_COUNT);
  private readonly dayRealized = new Map<string, number>();
  private episodeDone = true;

  constructor(ctx: RunContext, o: TradingEnvOptions) {
    this.ctx = ctx;
    this.o = o;
    const c = ctx.config;
    this.days = dayIndex(o.series);
    const inRange = this.days.start.map((i, k) => [k, o.series.tsMs[i]!] as const).filter(([, t]) => t >= o.fromMs && t < o.toMs);
    if (inRange.length === 0) throw new RangeError('TradingEnv: no trading day in the episode range');
    this.firstDay = inRange[0]![0];
    this.lastDay = inRange[inRange.length - 1]![0];
    this.episodeDays = o.episodeDays ?? c.rl.episode_days;
    this.warmupDays = o.warmupDays ?? c.rl.warmup_days;
    this.reward = o.reward ?? c.rl.reward;
    this.actions = actionSettingsFromConfig(c);
    this.scale = lossScaleUsd(c);
    this.dllPenalty = c.rl.dll_penalty;
    this.builder = new ObservationBuilder(c);
  }

  /** Trading days episodes can start on. */
  get dayCount(): number {
    return this.lastDay - this.firstDay + 1;
  }

  /** The running (or last) episode's session: its run record holds the trades, days and equity. */
  get currentSession(): EngineSession | null {
    return this.session;
  }

  reset(seed?: number, options?: Record<string, unknown>): ResetResult {
    if (seed !== undefined) this.rng = createRng(seed);
    const n = this.dayCount;
    let d: number;
    const asked = options?.['day'];
    if (typeof asked === 'number') {
      if (!Number.isInteger(asked) || asked < 0 || asked >= n)
        throw new RangeError(`reset option day must be an integer in [0, ${n}) (got ${asked})`);
      d = asked;
    } else if (!Number.isFinite(this.episodeDays)) {
      d = 0;
    } else if (this.o.sequential) {
      d = this.nextSequential;
      this.nextSequential = (this.nextSequential + Math.min(this.episodeDays, n)) % n;
    } else d = this.rng.int(n);
    const day = this.firstDay + d;
    const s = this.o.series;
    const ctx = this.ctx;
    const risk = ctx.createRisk();
    const regime = ctx.regimeSource(this.o.model, null, { kind: 'fixed' });
    const broker = new SimBroker({ instrument: ctx.instrument, slippageTicks: ctx.config.backtest.slippage_ticks });
    this.session = new EngineSession({ ...ctx.engineOptions({ regime: regime.source, risk, idPrefix: 'rl' }), policy: EXTERNAL_POLICY, broker });
    this.risk = risk;
    this.builder = new ObservationBuilder(ctx.config);
    this.dayRealized.clear();
    const warmFrom = this.days.start[Math.max(0, day - this.warmupDays)]!;
    this.cursor = this.days.start[day]!;
    for (let i = warmFrom; i < this.cursor; i++) this.session.warmUp(barAt(s, i));
    const lastDay = Math.min(this.lastDay, day + Math.min(this.episodeDays, Number.MAX_SAFE_INTEGER) - 1);
    this.end = lastDay + 1 < this.days.start.length ? this.days.start[lastDay + 1]! : s.length;
    this.truncatedByData = Number.isFinite(this.episodeDays) && day + this.episodeDays - 1 > this.lastDay;
    this.steps = 0;
    this.tradesSeen = 0;
    this.lastEquity = risk.equityUsd;
    this.gen = null;
    this.episodeDone = false;
    this.pump(undefined, true);
    const info: EnvInfo = { tradingDate: this.question ? this.question.ctx.tradingDate : null, startDay: d };
    if (!this.question) {
      this.episodeDone = true;
      return [this.obs.slice(), { ...info, empty: true }];
    }
    return [this.obs.slice(), info];
  }

  private truncatedByData = false;

  step(action: number): StepResult {
    if (this.episodeDone || !this.question) throw new Error('TradingEnv.step: the episode is over; call reset()');
    if (this.mask[action] !== 1) throw new RangeError(`TradingEnv.step: action ${action} is masked (mask ${Array.from(this.mask).join('')})`);
    const q = this.question;
    const decision = actionDecision(q.ctx, action, this.actions);
    this.steps += 1;
    this.pump(decision, true);
    const risk = this.risk!;
    const breach = this.breached();
    let terminated = false;
    let truncated = false;
    if (!this.question || breach) {
      terminated = breach || !this.truncatedByData;
      truncated = !terminated;
      this.finishEpisode();
    } else if (this.o.maxSteps !== undefined && this.steps >= this.o.maxSteps) {
      truncated = true;
      this.finishEpisode();
    }
    const reward = this.rewardOfStep();
    const info: EnvInfo = {
      tradingDate: q.ctx.tradingDate,
      equityUsd: risk.equityUsd,
      trades: this.session!.record.trades.length,
      ...(breach ? { breach: risk.stateCode } : {}),
    };
    return [this.obs.slice(), reward, terminated, truncated, info];
  }

  actionMask(): Uint8Array | null {
    return this.mask.slice();
  }

  /** Ends the running episode: what is open closes at the last close (end_of_data), the day closes. */
  private finishEpisode(): void {
    // Cut at a question (breach, maxSteps): the current bar completes holding, no further bar is run.
    while (this.question) this.pump({ kind: 'hold', code: 'RL_EPISODE_END', reason: 'episode ended' }, false);
    this.drain(this.session!.finish());
    this.episodeDone = true;
    this.question = null;
  }

  /** Runs a step generator to completion (no policy question may be yielded in it). */
  private drain(g: Step): void {
    let r = g.next();
    while (!r.done) {
      if (r.value instanceof PolicyQuestion) throw new Error('TradingEnv: a policy question outside a bar step');
      r = g.next(r.value);
    }
  }

  /**
   * Resumes the session with `answer` and runs bars until the next policy question (kept in
   * this.question with its observation and mask) or the episode's bars end (question null).
   */
  private pump(answer: PolicyDecision | undefined, newBars = true): void {
    const s = this.o.series;
    let input: unknown = answer;
    this.question = null;
    for (;;) {
      if (!this.gen) {
        if (!newBars || this.cursor >= this.end || this.breached()) return;
        this.gen = this.session!.onBar(barAt(s, this.cursor++));
        input = undefined;
      }
      const r = this.gen.next(input);
      if (r.done) {
        this.gen = null;
        continue;
      }
      if (r.value instanceof PolicyQuestion) {
        this.question = r.value;
        this.builder.build(r.value.ctx, this.obs);
        actionMask(r.value.ctx, this.actions, this.mask);
        return;
      }
      if (r.value !== null && typeof r.value === 'object' && typeof (r.value as { then?: unknown }).then === 'function')
        throw new Error('TradingEnv: the session yielded a promise (the environment is synchronous)');
      input = r.value;
    }
  }

  /** The risk manager halted on a loss limit (daily loss limit or MLL breach): the episode terminates. */
  private breached(): boolean {
    const risk = this.risk!;
    return risk.state === TradingState.HALTED && (risk.stateCode === 'DAILY_LOSS_LIMIT' || risk.stateCode === 'MLL_BREACH');
  }

  private rewardOfStep(): number {
    const trades = this.session!.record.trades;
    let reward = 0;
    for (; this.tradesSeen < trades.length; this.tradesSeen++) {
      const t = trades[this.tradesSeen]!;
      if (this.reward === 'realized') reward += t.netPnlUsd / this.scale;
      reward -= this.penalty(t);
    }
    if (this.reward === 'mark_to_market') {
      const eq = this.risk!.equityUsd;
      reward += (eq - this.lastEquity) / this.scale;
      this.lastEquity = eq;
    }
    return reward;
  }

  /** Daily-limit proximity penalty of a closed trade: dll_penalty × (day loss after it / daily loss limit)². */
  private penalty(t: TradeRecord): number {
    const date = sessionInfo(t.exitTsMs - 1).tradingDate;
    const day = (this.dayRealized.get(date) ?? 0) + t.netPnlUsd;
    this.dayRealized.set(date, day);
    const loss = Math.max(0, -day) / this.scale;
    return this.dllPenalty * loss * loss;
  }
}
