// Seam `state` (config `state.kind: redis`): the Redis connection (checked URL, password from the
// environment), the key names one account's machines share, the leader elector, the fenced risk state and
// the optional PostgreSQL model store, built from config for sessions, `txbot status` and `txbot kill`.
// PLUG: distributed_state

import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { ConfigError } from '../domain/errors.ts';
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

/** A Redis client for `state` (URL checked; never logs the password). */
export function connectStateRedis(state: RedisStateConfig, logger: Logger): Redis {
  const redis = new Redis({ ...redisOptionsFromUrl(state.url, { allowInsecure: state.allow_insecure }), lazyConnect: false });
  const where = maskUrlPassword(state.url);
  let last = '';
  redis.on('error', (e: Error) => {
    // ioredis repeats a connection error on every retry: log each distinct message once.
    if (e.message === last) return;
    last = e.message;
    logger.warn({ redis: where, err: maskUrlPassword(e.message) }, 'shared state connection error');
  });
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
  const redis = connectStateRedis(state, logger);
  try {
    await redis.ping();
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
    const models = state.model_sync_url
      ? await PgModelSync.open({ connection: pgConfigFromUrl(state.model_sync_url, { allowInsecure: state.allow_insecure }), logger })
      : null;
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
