// Connecting to the shared state from config: an insecure URL is a config error naming state.url, an
// unreachable server a one-line error (exit 5) with the password masked, and the key names per prefix.

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/domain/errors.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { connectStateRedis, sharedKeyPrefixes, StateUnavailableError } from '../../src/app/sharedState.ts';
import { REDIS_TEST_URL, requireRedis } from '../state/shared/support/redisSupport.ts';

const state = (url: string) => ({ kind: 'redis' as const, url, key_prefix: 'txbot', allow_insecure: false, model_sync_url: null });

describe('connectStateRedis', () => {
  it('refuses a non-loopback server without password and TLS as a config error on state.url', async () => {
    const e = await connectStateRedis(state('redis://10.1.2.3:6379'), silentLogger()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toMatch(/^state\.url: redis:\/\/10\.1\.2\.3:6379: refusing a redis server on non-loopback host/);
  });

  it('reports an unreachable server in one line with the password masked (exit code 5)', async () => {
    const e = await connectStateRedis(state('redis://u:hunter2@127.0.0.1:1'), silentLogger()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StateUnavailableError);
    expect((e as StateUnavailableError).exitCode).toBe(5);
    expect((e as Error).message).toBe('state.url redis://u:***@127.0.0.1:1: cannot reach the shared state (connect ECONNREFUSED 127.0.0.1:1)');
  });

  it('connects to a reachable server', async () => {
    await requireRedis();
    const redis = await connectStateRedis(state(REDIS_TEST_URL), silentLogger());
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();
  });
});

describe('sharedKeyPrefixes', () => {
  it('puts the lease and the risk state under <prefix>:', () => {
    expect(sharedKeyPrefixes('txbot-50123')).toEqual({ base: 'txbot-50123:', lease: 'txbot-50123:leader', risk: 'txbot-50123:risk' });
    expect(sharedKeyPrefixes('acct:')).toEqual({ base: 'acct:', lease: 'acct:leader', risk: 'acct:risk' });
  });
});
