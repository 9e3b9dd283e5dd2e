// Security of the shared-state connections: passwords masked in every logged URL, a refusal of
// non-loopback Redis/PostgreSQL targets without both authentication and TLS (unless the operator sets
// `state.allow_insecure`), and connection options whose credentials come from the environment.

import type { RedisOptions } from 'ioredis';
import type { ClientConfig } from 'pg';
import { SharedStateError } from './sharedStateError.ts';

/** Environment variables holding shared-state credentials (secrets: never logged). */
export const STATE_SECRET_ENV_VARS = ['TXBOT_REDIS_PASSWORD', 'TXBOT_PG_PASSWORD'] as const;

/** The two kinds of shared-state server. */
export type StateStoreKind = 'redis' | 'postgres';

// The password runs to the last '@' before a space or quote, so an unencoded '@' in it is masked too.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]*):[^\s"'`<>]*@/gi;
const PASSWORD_PARAM = /([?&](?:password|sslpassword)=)[^&\s]*/gi;

/**
 * `text` with the password of every URL in it (redis://, rediss://, postgres://, postgresql:// and any
 * other scheme) replaced by `***`, in the userinfo and in `password=` query parameters. Works on free
 * text and unparsable URLs; when in doubt it masks more, never less.
 */
export function maskUrlPassword(text: string): string {
  return text.replace(URL_USERINFO, '$1$2:***@').replace(PASSWORD_PARAM, '$1***');
}

/** What a state URL offers, as judged by `assertStateUrlAllowed`. */
export interface StateUrlFacts {
  readonly kind: StateStoreKind;
  readonly host: string;
  readonly port: number;
  readonly loopback: boolean;
  readonly hasAuth: boolean;
  readonly hasTls: boolean;
}

/** Options shared by the checks and the connection builders. */
export interface StateUrlOptions {
  /** `state.allow_insecure`: accept a non-loopback target without authentication or TLS. */
  readonly allowInsecure?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/** Parses a state URL; INVALID_STATE_URL (password masked) when it is not a redis/postgres URL. */
export function inspectStateUrl(url: string, env: NodeJS.ProcessEnv = process.env): StateUrlFacts {
  const u = parse(url);
  const kind: StateStoreKind = u.protocol === 'redis:' || u.protocol === 'rediss:' ? 'redis' : 'postgres';
  const host = (u.hostname || (kind === 'postgres' ? (u.searchParams.get('host') ?? 'localhost') : 'localhost')).replace(/^\[|\]$/g, '');
  const port = Number(u.port || (kind === 'redis' ? 6379 : 5432));
  if (kind === 'redis') {
    return {
      kind,
      host,
      port,
      loopback: isLoopback(host),
      hasAuth: Boolean(u.password || env.TXBOT_REDIS_PASSWORD),
      hasTls: u.protocol === 'rediss:',
    };
  }
  const sslmode = u.searchParams.get('sslmode');
  const hasTls = sslmode === 'require' || sslmode === 'verify-ca' || sslmode === 'verify-full' || u.searchParams.get('ssl') === 'true';
  const hasAuth = Boolean(u.password || env.TXBOT_PG_PASSWORD || env.PGPASSWORD || u.searchParams.get('sslcert'));
  return { kind, host, port, loopback: isLoopback(host), hasAuth, hasTls };
}

/**
 * Refuses (INSECURE_STATE_URL) a target that is not on this machine and lacks authentication or TLS:
 * without a password anyone on the network can take the lease or write a kill request, without TLS
 * the password and every position cross the network in clear. `allowInsecure` accepts it anyway.
 */
export function assertStateUrlAllowed(url: string, options: StateUrlOptions = {}): StateUrlFacts {
  const facts = inspectStateUrl(url, options.env);
  if (facts.loopback || options.allowInsecure) return facts;
  const missing: string[] = [];
  if (!facts.hasAuth)
    missing.push(facts.kind === 'redis' ? 'no password (set TXBOT_REDIS_PASSWORD)' : 'no password (set TXBOT_PG_PASSWORD or use sslcert)');
  if (!facts.hasTls) missing.push(facts.kind === 'redis' ? 'no TLS (use rediss://)' : 'no TLS (add sslmode=verify-full)');
  if (missing.length === 0) return facts;
  throw new SharedStateError(
    'INSECURE_STATE_URL',
    `${maskUrlPassword(url)}: refusing a ${facts.kind} server on non-loopback host ${facts.host} with ${missing.join(' and ')}`,
    { hint: 'secure the connection, or set state.allow_insecure: true to accept the risk on a trusted network' },
  );
}

/** ioredis options for `url`: checked, password from TXBOT_REDIS_PASSWORD when set, safe lease defaults. */
export function redisOptionsFromUrl(url: string, options: StateUrlOptions & { commandTimeoutMs?: number } = {}): RedisOptions {
  const env = options.env ?? process.env;
  const facts = assertStateUrlAllowed(url, { ...options, env });
  if (facts.kind !== 'redis') throw new SharedStateError('INVALID_STATE_URL', `${maskUrlPassword(url)}: expected a redis:// or rediss:// URL`);
  const u = parse(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new SharedStateError('INVALID_STATE_URL', `${maskUrlPassword(url)}: database ${u.pathname.slice(1)} is not a number`);
  return {
    host: facts.host,
    port: facts.port,
    db,
    username: decodeURIComponent(u.username) || undefined,
    password: env.TXBOT_REDIS_PASSWORD || decodeURIComponent(u.password) || undefined,
    tls: facts.hasTls ? { servername: facts.host } : undefined,
    connectTimeout: 5_000,
    // A stale lease command must fail rather than wait for a reconnection or be replayed after it.
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
  };
}

/** pg client config for `url`: checked, password from TXBOT_PG_PASSWORD when set (pg reads PGPASSWORD itself). */
export function pgConfigFromUrl(url: string, options: StateUrlOptions = {}): ClientConfig {
  const env = options.env ?? process.env;
  const facts = assertStateUrlAllowed(url, { ...options, env });
  if (facts.kind !== 'postgres') throw new SharedStateError('INVALID_STATE_URL', `${maskUrlPassword(url)}: expected a postgres:// URL`);
  const password = env.TXBOT_PG_PASSWORD;
  if (!password) return { connectionString: url };
  // pg lets the connection string override `password`, so the URL's own password is dropped.
  const u = parse(url);
  u.password = '';
  return { connectionString: u.toString(), password };
}

function parse(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SharedStateError('INVALID_STATE_URL', `${maskUrlPassword(url)}: not a URL`, {
      hint: 'expected redis://host:6379 or postgres://user@host/db',
    });
  }
  if (!['redis:', 'rediss:', 'postgres:', 'postgresql:'].includes(u.protocol))
    throw new SharedStateError('INVALID_STATE_URL', `${maskUrlPassword(url)}: unsupported scheme ${u.protocol} (expected redis, rediss, postgres)`);
  return u;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h.startsWith('/');
}
