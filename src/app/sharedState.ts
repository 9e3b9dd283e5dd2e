// Seam `state` (config `state.kind: redis`): the Redis connection (checked URL, password from the
// environment), the key names one account's machines share, the leader elector, the fenced risk state and
// the optional PostgreSQL model store, built from config for sessions, `txbot status` and `txbot kill`.
// PLUG: distributed_state

import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { ConfigError, TxbotError } from '../domain/index.ts';
import {
  checkRedisSettings,
  defaultHolderInfo,
  LeaderElector,
  leaseKeys,
  maskUrlPassword,
  pgConfigFromUrl,
  PgModelSync,
  redisOptionsFromUrl,
  RedisRiskState,
  SharedStateError,
  type LeaseHolderInfo,
} from '../state/index.ts';

type RedisStateConfig = Extract<Config['state'], { kind: 'redis' }>;

/** Key prefixes under `state.key_prefix` (`<prefix>:leader`, `<prefix>:risk`): the lease, and the shared risk state with the kill switch. */
export function sharedKeyPrefixes(keyPrefix: string): { readonly lease: string; readonly risk: string; readonly base: string } {
  const base = keyPrefix.endsWith(':') ? keyPrefix : `${keyPrefix}:`;
  return { lease: `${base}leader`, risk: `${base}risk`, base };
}

/** The redis state section, or a ConfigError naming the command that needs it. */
export function redisStateConfig(config: Config, what: string): RedisStateConfig {
  if (config.state.kind !== 'redis')
    throw new ConfigError(`state.kind: ${what} reads the shared state, which needs state.kind redis (got "${config.state.kind}")`, [], {
      hint: 'set state: { kind: redis, url: redis://... } or TXBOT__STATE__KIND=redis TXBOT__STATE__URL=...',
    });
  return config.state;
}

/** The shared state server cannot be reached (exit code 5, as a journal that cannot be opened). */
export class StateUnavailableError extends TxbotError {
  override readonly exitCode = 5;
}

/** A connected Redis client for `state` (URL checked; never logs the password); a clear error when unreachable. */
export async function connectStateRedis(state: RedisStateConfig, logger: Logger): Promise<Redis> {
  let options;
  try {
    options = redisOptionsFromUrl(state.url, { allowInsecure: state.allow_insecure });
  } catch (e) {
    if (e instanceof SharedStateError) throw new ConfigError(`state.url: ${e.message}`, [], { hint: e.hint, cause: e });
    throw e;
  }
  const where = maskUrlPassword(state.url);
  const redis = new Redis({ ...options, lazyConnect: true });
  let last = '';
  redis.on('error', (e: Error) => {
    // ioredis repeats a connection error on every retry: log each distinct message once.
    if (e.message === last) return;
    last = e.message;
    logger.warn({ redis: where, err: maskUrlPassword(e.message) }, 'shared state connection error');
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    // The socket error (ECONNREFUSED, auth, TLS) says more than the closed connection it leads to.
    const why = maskUrlPassword(last || (e instanceof Error ? e.message : String(e)));
    throw new StateUnavailableError('STATE_UNAVAILABLE', `state.url ${where}: cannot reach the shared state (${why})`, {
      hint: 'check that Redis runs there, the password (TXBOT_REDIS_PASSWORD) and TLS (rediss://)',
    });
  }
  return redis;
}

/** What a paper/live session shares with the other machines of its account. */
export interface SharedState {
  readonly redis: Redis;
  readonly elector: LeaderElector;
  readonly risk: RedisRiskState;
  /** The shared model store (state.model_sync_url), or null. */
  readonly models: PgModelSync | null;
  readonly holder: LeaseHolderInfo;
  readonly keyPrefix: string;
  /** Redis settings warnings found at start-up (appendonly, eviction policy). */
  readonly warnings: readonly string[];
  close(): Promise<void>;
}

/** Connects to the shared state of `config` (state.kind redis) and builds the elector (not started). */
export async function openSharedState(config: Config, logger: Logger): Promise<SharedState> {
  const state = redisStateConfig(config, 'a shared session');
  const redis = await connectStateRedis(state, logger);
  try {
    const report = await checkRedisSettings(redis);
    for (const w of report.warnings) logger.warn({ code: w.code }, w.message);
    const prefixes = sharedKeyPrefixes(state.key_prefix);
    const holder = defaultHolderInfo();
    const l = config.leader;
    const elector = new LeaderElector({
      redis,
      keyPrefix: prefixes.lease,
      holder,
      ttlMs: l.ttl_ms,
      renewEveryMs: l.renew_ms,
      pollMinMs: Math.max(1, Math.round(l.poll_ms / 2)),
      pollMaxMs: l.poll_ms,
      marginMs: l.margin_ms,
      logger,
    });
    const risk = new RedisRiskState({ redis, keyPrefix: prefixes.risk, leaseTokenKey: leaseKeys(prefixes.lease).token });
    const models = state.model_sync_url ? await openModelSync(state.model_sync_url, state.allow_insecure, logger) : null;
    return {
      redis,
      elector,
      risk,
      models,
      holder,
      keyPrefix: state.key_prefix,
      warnings: report.warnings.map((w) => w.message),
      async close() {
        await elector.stop();
        await models?.close().catch(() => undefined);
        await redis.quit().catch(() => redis.disconnect());
      },
    };
  } catch (e) {
    redis.disconnect();
    throw e;
  }
}

/** The shared model store at `url` (state.model_sync_url): config error when insecure, STATE_UNAVAILABLE when unreachable. */
async function openModelSync(url: string, allowInsecure: boolean, logger: Logger): Promise<PgModelSync> {
  let connection;
  try {
    connection = pgConfigFromUrl(url, { allowInsecure });
  } catch (e) {
    if (e instanceof SharedStateError) throw new ConfigError(`state.model_sync_url: ${e.message}`, [], { hint: e.hint, cause: e });
    throw e;
  }
  try {
    return await PgModelSync.open({ connection, logger });
  } catch (e) {
    if (e instanceof TxbotError) throw e;
    const why = maskUrlPassword(e instanceof Error ? e.message || ((e as { code?: string }).code ?? e.name) : String(e));
    throw new StateUnavailableError(
      'STATE_UNAVAILABLE',
      `state.model_sync_url ${maskUrlPassword(url)}: cannot open the shared model store (${why})`,
      {
        hint: 'check that PostgreSQL runs there and the credentials (TXBOT_PG_PASSWORD)',
      },
    );
  }
}
