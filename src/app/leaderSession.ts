// A paper/live session on shared state (state.kind redis): the process stands by (no broker session, no
// order) until it wins the leader lease; then it starts the session (reconcile from the broker, current
// model, warm-up) behind an order gate asked before every order; it writes the risk state fenced by its
// token, obeys kill requests from any machine, shares retrained models, and stands by again when the lease
// is lost or a fenced write is refused (writing its last state once more, fenced, as it stands down).

import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { ALL_REGIME_LABELS, sessionInfo, type RegimeLabel } from '../domain/index.ts';
import { regimeModelFromJson, regimeModelToJson, type RegimeModel } from '../regime/index.ts';
import type { Journal, KillRequest, KillWatch, ModelSubscription, RiskUpdate, SharedRiskSnapshot } from '../state/index.ts';
import type { GateRefusal } from './leaderGate.ts';
import type { LiveSession, LiveSessionOptions } from './liveSession.ts';
import { sharedKeyPrefixes, type SharedState } from './sharedState.ts';

/** What the shared runner hands the session it starts as leader. */
export type LeaderHooks = Required<Pick<LiveSessionOptions, 'orderGate' | 'onGateRefused' | 'onStateChanged' | 'swappableModel'>> &
  Pick<LiveSessionOptions, 'closedToday'>;

export interface SharedSessionOptions {
  readonly shared: SharedState;
  readonly journal: Journal;
  /** Instrument traded (the shared model's name, the position's key). */
  readonly symbol: string;
  /** The --model file: used until (and unless) the shared model store has a version. */
  readonly fileModel: RegimeModel;
  readonly onStop: 'flatten' | 'leave_brackets';
  readonly logger: Logger;
  readonly print: (line: string) => void;
  /** Starts the session as leader (token known); `closedToday` of the hooks may be replaced (live: the broker's trades). */
  readonly startSession: (model: RegimeModel, hooks: LeaderHooks) => Promise<LiveSession>;
}

const sha = (s: string): string => s.slice(0, 12);

/** Runs the standby/leader cycle until `stop()`. */
export class SharedSessionRunner {
  private session: LiveSession | null = null;
  private sessionToken: number | null = null;
  private chain: Promise<void> = Promise.resolve();
  private modelLoads: Promise<void> = Promise.resolve();
  private stopping = false;
  private model: RegimeModel;
  private modelSha: string | null = null;
  /** sha256 of the model this process is publishing now (its own notification must not swap it in again). */
  private publishingSha: string | null = null;
  private killWatch: KillWatch | null = null;
  private modelSub: ModelSubscription | null = null;
  private writing = false;
  private writeAgain = false;
  private offRetrain: (() => void) | null = null;
  /** Why the running session is halted ("<trading date> <reason>"), kept in the shared halt flag. */
  private haltReason: string | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly log: Logger;
  /** Name of the shared model: the key prefix (one per account) and the instrument. */
  private readonly modelName: string;

  constructor(private readonly o: SharedSessionOptions) {
    this.model = o.fileModel;
    this.modelName = `${sharedKeyPrefixes(o.shared.keyPrefix).base}${o.symbol}`;
    this.log = o.logger.child({ component: 'shared-session', member: o.shared.holder.memberId });
  }

  /** The running (leader) session, or null while standing by. */
  get current(): LiveSession | null {
    return this.session;
  }

  /** Subscribes to kill requests and model versions, then starts competing for the lease. */
  async start(): Promise<void> {
    const { shared } = this.o;
    for (const w of shared.warnings) this.o.print(`warning: ${w}`);
    if (shared.models) {
      // Subscribe before reading the current version: a version published between the two is then read
      // (the listener's baseline counts it as seen, so a read taken before the LISTEN would miss it for good).
      this.modelSub = await shared.models.subscribe((n) => {
        if (n.modelName !== this.modelName || n.sha256 === this.modelSha || n.sha256 === this.publishingSha) return;
        return this.loadSharedModelInTurn(`notification of version ${n.version}`);
      });
      await this.loadSharedModelInTurn('start-up');
    }
    this.killWatch = await shared.risk.watchKill((req) => this.enqueue(() => this.onKill(req)), { logger: this.log });
    shared.elector.on('elected', ({ token }) => void this.enqueue(() => this.becomeLeader(token)));
    shared.elector.on('lost', ({ token, reason, detail }) => void this.enqueue(() => this.standDown(token, `${reason}: ${detail}`)));
    shared.elector.start();
    const h = shared.holder;
    this.o.print(`standby: ${h.machineId} pid ${h.pid} waiting for the leader lease ${shared.elector.lease.keyPrefix}`);
  }

  /** Stops the session (as `onStop` says, while still leading), releases the lease, ends the watches. */
  async stop(why: string): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.enqueue(async () => {
      if (this.session) await this.endSession(this.o.onStop, why);
      this.sessionToken = null;
    });
    await this.o.shared.elector.stop();
    await this.killWatch?.stop();
    await this.modelSub?.stop();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.chain.then(step);
    this.chain = run.catch((e: unknown) => this.log.error({ err: e instanceof Error ? e.message : String(e) }, 'shared session step failed'));
    return this.chain;
  }

  /** Why this process may not change the account now (not leading, or the lease may have expired), or null. */
  readonly orderGateReason = (): string | null => this.gate();

  private gate = (): string | null => (this.sessionToken === null ? 'this process is not the leader' : this.gateFor(this.sessionToken)());

  /** The gate of the session leading with `token`: closed for good once that token is no longer held. */
  private gateFor(token: number): () => string | null {
    return () => {
      const e = this.o.shared.elector;
      if (this.sessionToken !== token || e.token !== token) return `this process no longer leads with token ${token}`;
      return e.mayAct() ? null : (e.lease.unsafeReason() ?? 'the lease may have expired');
    };
  }

  private async becomeLeader(token: number): Promise<void> {
    if (this.stopping || this.session) return;
    const grantedMs = performance.now();
    const { shared } = this.o;
    this.o.print(`leader: token ${token} granted; reconciling with the broker and warming up`);
    await this.o.journal.setWriter?.({ machineId: shared.holder.machineId, fencingToken: token });
    const snapshot = await shared.risk.snapshot();
    if (shared.models && this.modelSha === null) await this.publishModel(token, this.model, 'the --model file (no shared version yet)');
    this.sessionToken = token;
    let session: LiveSession;
    try {
      session = await this.o.startSession(this.model, {
        orderGate: this.gateFor(token),
        onGateRefused: (r: GateRefusal) => this.log.warn({ ...r, fencingToken: token }, 'order gate closed: call not sent'),
        onStateChanged: () => this.writeState(),
        swappableModel: shared.models !== null,
        closedToday: (tradingDate) => Promise.resolve(sharedClosedToday(snapshot, tradingDate)),
      });
    } catch (e) {
      this.sessionToken = null;
      const waitMs = this.o.shared.elector.lease.ttlMs;
      this.o.print(`leader: start-up failed (${e instanceof Error ? e.message : String(e)}); standing by, competing again in ${waitMs} ms`);
      await this.restartElection(waitMs);
      return;
    }
    this.session = session;
    this.offRetrain = session.regime.onRetrainSwap?.((m) => void this.enqueue(() => this.publishModel(token, m, 'a retrain swap'))) ?? null;
    const today = sessionInfo(session.clock.nowMs()).tradingDate;
    const halt = snapshot.halt;
    this.haltReason = null;
    if (halt?.halted && halt.reason.startsWith(`${today} `) && !session.runner.halted) {
      this.haltReason = halt.reason;
      await session.runner.restoreKill(halt.reason.slice(11));
    }
    if (snapshot.pendingKill) await this.onKill(snapshot.pendingKill);
    if (this.gate() !== null) {
      // Not safe to act (lost, or a renewal failing): give the lease up rather than hold it without a session.
      await this.standDown(token, 'the lease was not safe to act on at the end of the start-up');
      return this.restartElection();
    }
    await this.writeStateNow();
    this.o.print(`leader: token ${token} order-capable ${Math.round(performance.now() - grantedMs)} ms after the grant`);
  }

  /**
   * Stops the session with its brackets left and stands by. Unless a fenced write was just refused, the
   * session's last state (position, day P&L, halt, regime) is written once more with `token`, without
   * waiting: it lands only when no newer token was issued (the lease lapsed and nobody took it yet: `txbot
   * status` then shows what this leader left); a deposed leader's write is refused (fenced) and logged.
   */
  private async standDown(token: number, why: string, finalWrite = true): Promise<void> {
    if (this.sessionToken !== token) return;
    this.o.print(`standby: lost the lease (token ${token}, ${why}); no more orders from this process`);
    const s = this.session;
    if (s) await this.endSession('leave_brackets', `lost leadership: ${why}`);
    this.sessionToken = null;
    await this.o.journal.setWriter?.(null);
    if (s && finalWrite) void this.fenced(token, this.stateUpdates(s), 'final');
  }

  private async endSession(onStop: 'flatten' | 'leave_brackets', why: string): Promise<void> {
    const s = this.session!;
    this.offRetrain?.();
    this.offRetrain = null;
    if (onStop === 'flatten' && this.gate() === null) {
      await s.stop('flatten', why);
      await this.writeStateNow();
    } else await s.stop('leave_brackets', why);
    this.session = null;
  }

  /**
   * Gives the lease up at once and competes again after `delayMs` (a failed start-up waits one TTL, so
   * another machine gets its chance and a broken broker connection is not retried in a tight loop).
   */
  private async restartElection(delayMs = 0): Promise<void> {
    const e = this.o.shared.elector;
    await e.stop();
    if (this.stopping) return;
    if (delayMs <= 0) return e.start();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping) e.start();
    }, delayMs);
  }

  private async onKill(req: KillRequest): Promise<void> {
    const s = this.session;
    const token = this.sessionToken;
    if (!s || token === null || this.gate() !== null) return; // the next leader handles it (pending in Redis)
    const by = `${req.requestedBy.machineId}:${req.requestedBy.pid}`;
    await s.runner.kill(`remote ${req.reason} from ${by}`);
    const today = sessionInfo(s.clock.nowMs()).tradingDate;
    this.haltReason = `${today} ${req.reason} (from ${by})`;
    await this.fenced(token, [
      { kind: 'halt', value: { halted: true, reason: this.haltReason } },
      { kind: 'killAcknowledged', id: req.id },
    ]);
    this.o.print(`kill switch (${req.reason}, from ${by}): flattened, cancelled, halted`);
  }

  /** Coalesced fenced write of the risk state; never blocks the session. */
  private writeState(): void {
    if (this.writing) {
      this.writeAgain = true;
      return;
    }
    this.writing = true;
    void (async () => {
      try {
        do {
          this.writeAgain = false;
          await this.writeStateNow();
        } while (this.writeAgain);
      } finally {
        this.writing = false;
      }
    })();
  }

  private async writeStateNow(): Promise<void> {
    const s = this.session;
    const token = this.sessionToken;
    if (!s || token === null) return;
    await this.fenced(token, this.stateUpdates(s));
  }

  /** The shared risk state of session `s` now. */
  private stateUpdates(s: LiveSession): RiskUpdate[] {
    const status = s.runner.status();
    const pos = s.broker.position;
    const today = sessionInfo(status.tsMs).tradingDate;
    const updates: RiskUpdate[] = [
      { kind: 'dailyPnl', value: { tradingDate: today, pnlUsd: status.dayPnlUsd } },
      {
        kind: 'position',
        symbol: this.o.symbol,
        value: { qty: pos ? (pos.side === 'long' ? pos.qty : -pos.qty) : 0, avgPrice: pos?.entryPrice ?? 0 },
      },
      { kind: 'halt', value: { halted: status.halted, reason: status.halted ? (this.haltReason ?? `${today} kill switch`) : '' } },
    ];
    const label = status.regime as RegimeLabel | null;
    if (label && ALL_REGIME_LABELS.includes(label))
      updates.push({ kind: 'regime', symbol: this.o.symbol, value: { regime: label, confidence: status.confidence ?? 0, barTsMs: status.tsMs } });
    return updates;
  }

  /**
   * One fenced write of the risk state with `token`. A refusal (a newer token was issued) is logged at warn
   * ("fenced write refused") and, while leading, makes this process stand down; `final` marks the last write
   * of a leader standing down (already standing by).
   */
  private async fenced(token: number, updates: readonly RiskUpdate[], kind: 'leading' | 'final' = 'leading'): Promise<void> {
    let r;
    try {
      r = await this.o.shared.risk.apply(token, updates);
    } catch (e) {
      this.log.warn({ err: e instanceof Error ? e.message : String(e), fencingToken: token }, 'shared risk state write failed');
      return;
    }
    if (r.ok) return;
    this.log.warn({ fencingToken: token, highestToken: r.highestToken, write: kind }, 'fenced write refused');
    if (kind === 'final') return void this.o.print(`fenced: the last state write of token ${token} was refused (${r.detail})`);
    this.o.print(`standby: fenced write refused (${r.detail}); standing down`);
    void this.enqueue(async () => {
      if (this.sessionToken === token) {
        await this.standDown(token, 'fenced write refused', false);
        await this.restartElection();
      }
    });
  }

  /** Loads of the shared model one after another (a notification may arrive during the start-up read). */
  private loadSharedModelInTurn(why: string): Promise<void> {
    const run = this.modelLoads.then(() => this.loadSharedModel(why));
    this.modelLoads = run.catch(() => undefined);
    return run;
  }

  private async loadSharedModel(why: string): Promise<void> {
    const models = this.o.shared.models!;
    const v = await models.fetchCurrent(this.modelName);
    if (!v || v.sha256 === this.modelSha || v.sha256 === this.publishingSha) return;
    const model = regimeModelFromJson(v.body.toString('utf8'), `shared model ${this.modelName} v${v.version}`);
    this.model = model;
    this.modelSha = v.sha256;
    this.log.info({ modelName: this.modelName, version: v.version, sha256: v.sha256, createdBy: v.createdBy }, 'shared model loaded');
    this.o.print(`model: shared ${this.modelName} version ${v.version} sha256 ${sha(v.sha256)} loaded (${why}, by ${v.createdBy})`);
    // A running leader swaps before its next bar; a standby starts with it when it leads.
    this.session?.regime.requestSwap?.(model);
  }

  private async publishModel(token: number, model: RegimeModel, why: string): Promise<void> {
    const body = regimeModelToJson(model);
    this.publishingSha = createHash('sha256').update(body).digest('hex');
    let r;
    try {
      r = await this.o.shared.models!.publish(this.modelName, body, { fencingToken: token });
    } finally {
      this.publishingSha = null;
    }
    if (!r.ok) return void this.o.print(`model: publish refused (${r.detail})`);
    this.model = model;
    this.modelSha = r.sha256;
    this.log.info({ modelName: this.modelName, version: r.version, sha256: r.sha256, fencingToken: token }, 'model published');
    this.o.print(`model: published ${this.modelName} version ${r.version} sha256 ${sha(r.sha256)} (${why})`);
  }
}

/** Today's closed P&L from the shared state (paper sessions: the previous leader's day), or null. */
function sharedClosedToday(snapshot: SharedRiskSnapshot, tradingDate: string): { pnlUsd: number; trades: number; source: string } | null {
  const d = snapshot.dailyPnl;
  if (!d || d.tradingDate !== tradingDate) return null;
  return { pnlUsd: d.pnlUsd, trades: 0, source: 'the shared risk state' };
}
