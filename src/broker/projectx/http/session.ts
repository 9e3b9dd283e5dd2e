// The ProjectX session token: loginKey with credentials from the environment, refreshed through
// Auth/validate ahead of its expiry (read from the JWT `exp` claim; the margin shrinks with a short
// lifetime, and refreshes are at least a minimum interval apart) and re-acquired once on a 401.

import type { Logger } from 'pino';
import type { Clock } from '../../../domain/index.ts';
import { MissingCredentialsError, ProjectXError } from '../errors.ts';
import { parseEnvelope } from '../parse.ts';
import { readSecret } from '../../../log/index.ts';

/** API-key credentials (the trader's user name and the key from the ProjectX dashboard). */
export interface ProjectXCredentials {
  readonly userName: string;
  readonly apiKey: string;
}

/** Reads PROJECTX_USERNAME / PROJECTX_API_KEY; throws MissingCredentialsError naming whichever is unset. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): ProjectXCredentials {
  const userName = readSecret('PROJECTX_USERNAME', env);
  const apiKey = readSecret('PROJECTX_API_KEY', env);
  const missing = [userName ? null : 'PROJECTX_USERNAME', apiKey ? null : 'PROJECTX_API_KEY'].filter((x): x is string => x !== null);
  if (missing.length > 0) throw new MissingCredentialsError(missing);
  return { userName: userName!, apiKey: apiKey! };
}

/** Documented token lifetime (reference §1.2). */
export const TOKEN_LIFETIME_MS = 24 * 3_600_000;

/** Expiry of a JWT from its `exp` claim (seconds) in epoch ms, or null when it cannot be read. */
export function jwtExpiryMs(token: string): number | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Sends one unauthenticated or bearer request for the session (the client's raw call). */
export type SessionCall = (endpoint: string, body: unknown, token: string | undefined) => Promise<unknown>;

/** Holds the current token; `getToken()` logs in or refreshes as needed. */
export class ProjectXSession {
  private token: string | null = null;
  private expiresAtMs = 0;
  /** When the current token was set (clock ms): its lifetime as we saw it is expiresAtMs − this. */
  private issuedAtMs = 0;
  private lastRefreshMs = Number.NEGATIVE_INFINITY;
  private pending: Promise<string> | null = null;
  private lastCheckMs = Number.NEGATIVE_INFINITY;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly credentials: () => ProjectXCredentials,
    private readonly call: SessionCall,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Refresh this long before expiry (default 30 min; at most a quarter of the token's lifetime). */
    private readonly refreshMarginMs = 30 * 60_000,
    /** Never refresh more often than this while the token is still valid (default 60 s). */
    private readonly minRefreshIntervalMs = 60_000,
  ) {}

  /** When a refresh is due: the margin before expiry, capped at a quarter of the lifetime (a short-lived token). */
  private refreshDueMs(): number {
    const lifetime = Math.max(0, this.expiresAtMs - this.issuedAtMs);
    return this.expiresAtMs - Math.min(this.refreshMarginMs, lifetime / 4);
  }

  /** Called after every new token (hubs reconnect with it). */
  onTokenChanged(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The token, if any, without network (for hub access-token factories). */
  currentToken(): string | null {
    return this.token;
  }

  /** A valid token: logs in when there is none, validates (refreshes) when expiry is near. */
  async getToken(): Promise<string> {
    if (this.pending) return this.pending;
    const now = this.clock.nowMs();
    if (this.token && now < this.refreshDueMs()) return this.token;
    // A refresh that just happened and still left a valid token is not repeated (no refresh storm).
    if (this.token && now < this.expiresAtMs && now - this.lastRefreshMs < this.minRefreshIntervalMs) return this.token;
    return this.single(this.token ? () => this.refresh() : () => this.login());
  }

  /** After a 401: forget the token and log in again (callers do this once per request). */
  async renewAfterUnauthorized(rejected: string | null): Promise<string> {
    if (this.pending) return this.pending;
    if (this.token && rejected !== null && this.token !== rejected) return this.token;
    this.token = null;
    return this.single(() => this.login());
  }

  /**
   * Re-checks the token with Auth/validate (taking the newToken it returns) and logs in again when it is
   * refused. For hubs, which cannot tell a refused token from other connect failures (SignalR hides the
   * 401). Throttled to one check per `minIntervalMs` of clock time (default 30 s).
   */
  async checkToken(minIntervalMs = 30_000): Promise<void> {
    const now = this.clock.nowMs();
    if (this.pending || !this.token || now - this.lastCheckMs < minIntervalMs) return;
    this.lastCheckMs = now;
    await this.single(() => this.refresh());
  }

  /** Ends the session on the server (Auth/logout) and forgets the token. */
  async logout(): Promise<void> {
    const token = this.token;
    this.token = null;
    if (token) parseEnvelope('Auth/logout', await this.call('Auth/logout', {}, token));
  }

  private single(fn: () => Promise<string>): Promise<string> {
    const p = fn().finally(() => {
      this.pending = null;
    });
    this.pending = p;
    return p;
  }

  private async login(): Promise<string> {
    const creds = this.credentials();
    const body = parseEnvelope('Auth/loginKey', await this.call('Auth/loginKey', { userName: creds.userName, apiKey: creds.apiKey }, undefined));
    if (typeof body.token !== 'string' || body.token.length === 0) {
      throw new ProjectXError('PROJECTX_BAD_RESPONSE', {
        endpoint: 'Auth/loginKey',
        httpStatus: 200,
        retryable: false,
        message: 'ProjectX Auth/loginKey: success without a token',
      });
    }
    this.setToken(body.token);
    this.log.info({ expiresAtMs: this.expiresAtMs }, 'projectx session started');
    return body.token;
  }

  private async refresh(): Promise<string> {
    this.lastRefreshMs = this.clock.nowMs();
    try {
      const body = parseEnvelope('Auth/validate', await this.call('Auth/validate', {}, this.token!));
      const next = typeof body.newToken === 'string' && body.newToken.length > 0 ? body.newToken : this.token!;
      this.setToken(next);
      this.log.info({ expiresAtMs: this.expiresAtMs }, 'projectx session refreshed');
      return next;
    } catch (e) {
      if (e instanceof ProjectXError && (e.code === 'PROJECTX_REJECTED' || e.code === 'PROJECTX_UNAUTHORIZED')) {
        this.log.warn({ code: e.code }, 'projectx token refresh refused; logging in again');
        return this.login();
      }
      throw e;
    }
  }

  private setToken(token: string): void {
    const changed = token !== this.token;
    this.token = token;
    this.issuedAtMs = this.clock.nowMs();
    this.expiresAtMs = jwtExpiryMs(token) ?? this.clock.nowMs() + TOKEN_LIFETIME_MS;
    if (changed) for (const fn of this.listeners) fn();
  }
}
