// Fault injection plan of the Gateway simulator: each fault is armed by a test (or the CLI) and consumed
// by the next matching request or event, so a scenario states exactly which call misbehaves.
//
// Every switch below says what the venue (the simulated gateway) does and what the client sees. Times
// are simulator-clock times (`sim.clock`, which tests advance); "processed" means the matching engine
// applied the request (orders exist, positions changed, hub events were published).
//
// Request faults (REST):
// - `rateLimitBurst(n, endpoint?)`: the next n requests are NOT processed; the client sees HTTP 429 (empty body).
// - `rateLimitStorm({ endpoint = 'Order/place', durationMs })` (429 storm): every request to `endpoint`
//   from now until now + durationMs is NOT processed and answers HTTP 429, however often it is retried;
//   the first request at or after the end is processed normally.
// - `serverErrors(n, status = 503, endpoint?)`: the next n requests are NOT processed; HTTP `status`, body {title}.
// - `closeContractErrors({ count, status = 500, committed = false })` (500 on closeContract): the first
//   `count` Position/closeContract calls answer HTTP `status` with body {title}. committed false: NOT
//   processed (the position stays open, no order or fill). committed true: processed first (the position is
//   closed, the closing order, trade and position events go out on the user hub), then the answer is
//   HTTP `status` with a text/plain body such as "500 Internal Server Error" (as answerLostAfterCommit).
// - `loseResponses(endpoint, n)`: the next n requests are processed, then the TCP connection is destroyed
//   without an answer (the client sees a socket hang-up / "fetch failed").
// - `answerLostAfterCommit({ endpoint = 'Order/place', count = 1, answer = 'drop' })` (answer lost after
//   commit): the next `count` requests to `endpoint` that pass the 429/5xx/401/reject checks are processed,
//   whether the venue accepts or refuses them (for an accepted Order/place the order
//   exists, may already be filled, and its user-hub events are published), then the answer is lost:
//   'drop' destroys the connection without a response; 502 or 504 answers that status with a
//   proxy-style text/plain body ("502 Bad Gateway" / "504 Gateway Timeout"), as a load balancer does when
//   the backend's answer does not reach it. The client cannot tell from the answer whether the order exists;
//   Order/search (by customTag) and the user hub can.
// - `reject(endpoint, code, text, n)`: the next n requests are NOT processed; HTTP 200 success:false.
//
// Order handling (matching engine):
// - `partialEntryFills({ count = 1, firstFillQty, remainder = 'next-tick' })` (partial fills of entries):
//   the next `count` entry orders of size >= 2 fill only partly at first. An entry is an order that opens
//   or adds to a position (the account is flat or positioned the same way); exits, closeContract orders
//   and bracket legs are never split. The first fill takes `firstFillQty` contracts (default half, rounded
//   up; clamped to 1..size-1) at the normal price; the client sees a GatewayUserTrade for that part, an
//   order update with fillVolume < size (status still Open) and the position at the filled size.
//   (`engine.partialFillCount`, the older switch, splits any order in half and is used first.)
//   remainder 'next-tick': the rest fills on the next traded price, a limit entry only when that price is
//   at or through its limit (at the limit), a market or triggered stop entry at that price (one more trade
//   event, then status Filled); attached bracket legs stay suspended (status 8) until the entry is completely filled, then go
//   live sized to the whole entry. remainder 'cancel': the venue cancels the rest at once (order status
//   Cancelled with fillVolume < size); attached bracket legs go live right away sized to the filled part.
// - `positionBrackets({ stopLossTicks, takeProfitTicks })` (the TopstepX account setting "Position
//   Brackets" on; `positionBrackets(null)` turns it off): every Order/place carrying stopLossBracket or
//   takeProfitBracket is refused (HTTP 200, success:false, errorCode 2, "Brackets cannot be used with
//   Position Brackets"), as on an account with that setting. Orders without brackets are accepted. When a
//   position opens, the venue attaches its own OCO pair: a Stop (type 4) `stopLossTicks` ticks on the losing
//   side of the average price and a Limit (type 1) `takeProfitTicks` ticks on the winning side (either may
//   be null: not attached), size = |position|, no customTag, no parentOrderId. They are visible in
//   Order/searchOpen and on the user hub; when the position size or average price changes they are
//   resized and re-priced (order update events); when the position goes flat (by one of them filling, or
//   by any other order) the rest are cancelled; a reversal replaces them. They match from the next tick on.
//   The client may cancel or modify them; once none is working they are attached afresh at the next fill
//   in that contract. Turning the setting off leaves working ones until the position is flat.
//
// Sessions and hubs:
// - `tokenLifetimeMs = ms` (short token lifetime; null = the Gateway's 24 h): tokens issued from now on
//   (Auth/loginKey and Auth/validate's newToken) expire after `ms` of the simulator's token clock; the JWT
//   `exp` claim says so. After expiry REST answers HTTP 401 and hub connects are refused with 401; hub
//   connections already open stay open (the gateway checks the token at connect time only).
// - `hubs.dropConnections(downForMs, hub = 'both')` (hub drop): terminates every WebSocket of the chosen
//   hub(s) at once (the client sees a close without a SignalR close message) and refuses new connections
//   to them with HTTP 503 until the simulator clock passes now + downForMs. The market keeps replaying and
//   orders keep matching: stops and targets may fill during the gap; their events are not delivered and
//   never replayed (REST still answers, so Order/search, Position/searchOpen and Trade/search show them).
// - `dropHubsOnPositionOpen({ hub = 'both', downForMs, count = 1 })` (hub drop while a position is open):
//   the next `count` times a position opens (flat to non-zero), the venue publishes the position's
//   Create event and then drops the chosen hub(s) exactly as dropConnections does, so the client knows it
//   has a position and loses the stream while it is open (the account update of that fill and everything
//   until it reconnects are lost).
// - `duplicateEvents = n`, `delayedEvents = { remaining, delayMs }`, `hubDownUntilMs`, `mixedTimestampResponses = n`:
//   see the fields below.

/** One armed REST fault. `endpoint` undefined matches any endpoint. */
interface CountedFault {
  endpoint?: string;
  remaining: number;
}

/** What the client gets instead of the answer of a processed request: no answer at all, or a 5xx. */
export type LostAnswer = 'drop' | 500 | 502 | 503 | 504;

/** Which hub(s) a drop affects. */
export type HubSelection = 'user' | 'market' | 'both';

/** How the unfilled rest of a partially filled entry ends. */
export type PartialRemainder = 'next-tick' | 'cancel';

/** The position-level brackets of the TopstepX "Position Brackets" setting (ticks > 0; null = not attached). */
export interface PositionBracketSetting {
  readonly stopLossTicks: number | null;
  readonly takeProfitTicks: number | null;
}

/** Kinds of fault counted in `FaultPlan.fired` (so a test can assert that its fault really happened). */
export type FiredFault = 'rateLimit' | 'storm' | 'serverError' | 'lostResponse' | 'lostAfterCommit' | 'reject' | 'partialEntry' | 'hubDropOnPosition';

/** The faults a test can arm; counters drop as requests/events consume them. */
export class FaultPlan {
  /** How many times each kind of fault took effect. */
  readonly fired = new Map<FiredFault, number>();
  private readonly status429: CountedFault[] = [];
  private readonly status5xx: (CountedFault & { status: number })[] = [];
  private readonly lost: CountedFault[] = [];
  private readonly lostAfterCommit: (CountedFault & { answer: LostAnswer })[] = [];
  private readonly rejects: (CountedFault & { errorCode: number; errorMessage: string })[] = [];
  private readonly storms: { endpoint: string; untilMs: number; startMs: number }[] = [];
  private partialEntries: { remaining: number; firstFillQty: number | null; remainder: PartialRemainder } = {
    remaining: 0,
    firstFillQty: null,
    remainder: 'next-tick',
  };
  private hubDropOnPosition: { remaining: number; hub: HubSelection; downForMs: number } = { remaining: 0, hub: 'both', downForMs: 0 };
  /** Next n hub events are sent twice. */
  duplicateEvents = 0;
  /** Next n hub events are held back for `delayMs` of simulator time (so later ones overtake them). */
  delayedEvents: { remaining: number; delayMs: number } = { remaining: 0, delayMs: 0 };
  /** Until this simulator time connections to both hubs are refused (a hub outage). */
  hubDownUntilMs = 0;
  /** Until this simulator time connections to the user hub are refused. */
  userHubDownUntilMs = 0;
  /** Until this simulator time connections to the market hub are refused. */
  marketHubDownUntilMs = 0;
  /** Next n bar responses mix timestamp formats (offset, Z, naive). */
  mixedTimestampResponses = 0;
  /** Lifetime of tokens issued from now on, ms of the token clock; null = 24 h as on the Gateway. */
  tokenLifetimeMs: number | null = null;
  /** The account setting "Position Brackets" (null = off, the default; see the file header). */
  positionBracketSetting: PositionBracketSetting | null = null;

  /** @param nowMs the simulator clock (time-boxed faults start and end on it). */
  constructor(private readonly nowMs: () => number = () => 0) {}

  /** The next `count` requests (to `endpoint`, if given) get HTTP 429. */
  rateLimitBurst(count: number, endpoint?: string): void {
    this.status429.push({ endpoint, remaining: count });
  }

  /** Every request to `endpoint` (default Order/place) for the next `durationMs` of simulator time gets HTTP 429. */
  rateLimitStorm(options: { readonly endpoint?: string; readonly durationMs: number }): void {
    requireNonNegative('rateLimitStorm durationMs', options.durationMs);
    const now = this.nowMs();
    this.storms.push({ endpoint: options.endpoint ?? 'Order/place', startMs: now, untilMs: now + options.durationMs });
  }

  /** The next `count` requests get HTTP `status` (5xx). */
  serverErrors(count: number, status = 503, endpoint?: string): void {
    this.status5xx.push({ endpoint, remaining: count, status });
  }

  /** The first `count` Position/closeContract calls answer a 5xx, unprocessed or (committed) after closing. */
  closeContractErrors(options: { readonly count: number; readonly status?: 500 | 502 | 503 | 504; readonly committed?: boolean }): void {
    const status = options.status ?? 500;
    if (options.committed) this.answerLostAfterCommit({ endpoint: 'Position/closeContract', count: options.count, answer: status });
    else this.serverErrors(options.count, status, 'Position/closeContract');
  }

  /** The next `count` requests to `endpoint` are processed but the connection closes before the response. */
  loseResponses(endpoint: string, count = 1): void {
    this.lost.push({ endpoint, remaining: count });
  }

  /** The next `count` requests to `endpoint` (default Order/place) are processed, then answered `answer` instead. */
  answerLostAfterCommit(options: { readonly endpoint?: string; readonly count?: number; readonly answer?: LostAnswer } = {}): void {
    this.lostAfterCommit.push({ endpoint: options.endpoint ?? 'Order/place', remaining: options.count ?? 1, answer: options.answer ?? 'drop' });
  }

  /** The next `count` requests to `endpoint` answer success:false with this code and text (e.g. a real rejection). */
  reject(endpoint: string, errorCode: number, errorMessage: string, count = 1): void {
    this.rejects.push({ endpoint, remaining: count, errorCode, errorMessage });
  }

  /** The next `count` entries of size >= 2 fill partly first (see the file header). */
  partialEntryFills(options: { readonly count?: number; readonly firstFillQty?: number; readonly remainder?: PartialRemainder } = {}): void {
    const firstFillQty = options.firstFillQty ?? null;
    if (firstFillQty !== null && (!Number.isInteger(firstFillQty) || firstFillQty < 1))
      throw new RangeError(`partialEntryFills firstFillQty must be an integer >= 1 (got ${firstFillQty})`);
    this.partialEntries = { remaining: options.count ?? 1, firstFillQty, remainder: options.remainder ?? 'next-tick' };
  }

  /** Turns the account's Position Brackets setting on (with the venue's own SL/TP distances) or off (null). */
  positionBrackets(setting: PositionBracketSetting | null): void {
    for (const t of [setting?.stopLossTicks, setting?.takeProfitTicks])
      if (t !== null && t !== undefined && (!Number.isInteger(t) || t < 1))
        throw new RangeError(`positionBrackets ticks must be integers >= 1 (got ${t})`);
    this.positionBracketSetting = setting;
  }

  /** Tokens issued from now on live `lifetimeMs` (null restores 24 h). */
  shortTokenLifetime(lifetimeMs: number | null): void {
    if (lifetimeMs !== null) requireNonNegative('shortTokenLifetime lifetimeMs', lifetimeMs);
    this.tokenLifetimeMs = lifetimeMs;
  }

  /** The next `count` position openings drop the chosen hub(s) for `downForMs` right after the position event. */
  dropHubsOnPositionOpen(options: { readonly hub?: HubSelection; readonly downForMs: number; readonly count?: number }): void {
    requireNonNegative('dropHubsOnPositionOpen downForMs', options.downForMs);
    this.hubDropOnPosition = { remaining: options.count ?? 1, hub: options.hub ?? 'both', downForMs: options.downForMs };
  }

  private count(kind: FiredFault): void {
    this.fired.set(kind, (this.fired.get(kind) ?? 0) + 1);
  }

  private take<T extends CountedFault>(list: T[], endpoint: string, kind: FiredFault): T | null {
    const f = list.find((x) => x.remaining > 0 && (x.endpoint === undefined || x.endpoint === endpoint));
    if (!f) return null;
    f.remaining--;
    this.count(kind);
    return f;
  }

  takeRateLimit(endpoint: string): boolean {
    return this.take(this.status429, endpoint, 'rateLimit') !== null;
  }

  /** Whether a 429 storm covers `endpoint` now. */
  inRateLimitStorm(endpoint: string): boolean {
    const now = this.nowMs();
    const hit = this.storms.some((s) => s.endpoint === endpoint && now >= s.startMs && now < s.untilMs);
    if (hit) this.count('storm');
    return hit;
  }

  takeServerError(endpoint: string): number | null {
    return this.take(this.status5xx, endpoint, 'serverError')?.status ?? null;
  }

  takeLostResponse(endpoint: string): boolean {
    return this.take(this.lost, endpoint, 'lostResponse') !== null;
  }

  /** The answer replacing a processed request's response, or null for the normal answer. */
  takeLostAfterCommit(endpoint: string): LostAnswer | null {
    return this.take(this.lostAfterCommit, endpoint, 'lostAfterCommit')?.answer ?? null;
  }

  takeReject(endpoint: string): { errorCode: number; errorMessage: string } | null {
    return this.take(this.rejects, endpoint, 'reject');
  }

  /** For an entry of `remaining` contracts: the first fill's size and how the rest ends, or null to fill it whole. */
  takePartialEntryFill(remaining: number): { qty: number; remainder: PartialRemainder } | null {
    if (this.partialEntries.remaining <= 0 || remaining < 2) return null;
    this.partialEntries.remaining--;
    this.count('partialEntry');
    const want = this.partialEntries.firstFillQty ?? Math.ceil(remaining / 2);
    return { qty: Math.min(Math.max(1, want), remaining - 1), remainder: this.partialEntries.remainder };
  }

  /** The hub drop armed for the next position opening, or null. */
  takeHubDropOnPositionOpen(): { hub: HubSelection; downForMs: number } | null {
    if (this.hubDropOnPosition.remaining <= 0) return null;
    this.hubDropOnPosition.remaining--;
    this.count('hubDropOnPosition');
    return { hub: this.hubDropOnPosition.hub, downForMs: this.hubDropOnPosition.downForMs };
  }

  /** Until when (simulator ms) new connections to `hub` are refused. */
  hubDownUntil(hub: 'user' | 'market'): number {
    return Math.max(this.hubDownUntilMs, hub === 'user' ? this.userHubDownUntilMs : this.marketHubDownUntilMs);
  }
}

function requireNonNegative(what: string, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${what} must be a finite number >= 0 (got ${ms})`);
}
