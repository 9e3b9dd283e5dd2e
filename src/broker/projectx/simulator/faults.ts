// Fault injection plan of the Gateway simulator: each fault is armed by a test (or the CLI) and consumed
// by the next matching request or event, so a scenario states exactly which call misbehaves.

/** One armed REST fault. `endpoint` undefined matches any endpoint. */
interface CountedFault {
  endpoint?: string;
  remaining: number;
}

/** The faults a test can arm; counters drop as requests/events consume them. */
export class FaultPlan {
  private readonly status429: CountedFault[] = [];
  private readonly status5xx: (CountedFault & { status: number })[] = [];
  private readonly lost: CountedFault[] = [];
  private readonly rejects: (CountedFault & { errorCode: number; errorMessage: string })[] = [];
  /** Next n hub events are sent twice. */
  duplicateEvents = 0;
  /** Next n hub events are held back for `delayMs` of simulator time (so later ones overtake them). */
  delayedEvents: { remaining: number; delayMs: number } = { remaining: 0, delayMs: 0 };
  /** Until this simulator time hub connections are refused (a hub outage). */
  hubDownUntilMs = 0;
  /** Next n bar responses mix timestamp formats (offset, Z, naive). */
  mixedTimestampResponses = 0;

  /** The next `count` requests (to `endpoint`, if given) get HTTP 429. */
  rateLimitBurst(count: number, endpoint?: string): void {
    this.status429.push({ endpoint, remaining: count });
  }

  /** The next `count` requests get HTTP `status` (5xx). */
  serverErrors(count: number, status = 503, endpoint?: string): void {
    this.status5xx.push({ endpoint, remaining: count, status });
  }

  /** The next `count` requests to `endpoint` are processed but the connection closes before the response. */
  loseResponses(endpoint: string, count = 1): void {
    this.lost.push({ endpoint, remaining: count });
  }

  /** The next `count` requests to `endpoint` answer success:false with this code and text (e.g. a real rejection). */
  reject(endpoint: string, errorCode: number, errorMessage: string, count = 1): void {
    this.rejects.push({ endpoint, remaining: count, errorCode, errorMessage });
  }

  private take<T extends CountedFault>(list: T[], endpoint: string): T | null {
    const f = list.find((x) => x.remaining > 0 && (x.endpoint === undefined || x.endpoint === endpoint));
    if (!f) return null;
    f.remaining--;
    return f;
  }

  takeRateLimit(endpoint: string): boolean {
    return this.take(this.status429, endpoint) !== null;
  }

  takeServerError(endpoint: string): number | null {
    return this.take(this.status5xx, endpoint)?.status ?? null;
  }

  takeLostResponse(endpoint: string): boolean {
    return this.take(this.lost, endpoint) !== null;
  }

  takeReject(endpoint: string): { errorCode: number; errorMessage: string } | null {
    return this.take(this.rejects, endpoint);
  }
}
