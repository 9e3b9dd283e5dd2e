// Connection security: password masking in URLs and log text, refusal of insecure non-loopback
// targets, credentials from the environment, and a real connection built from the options.

import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  assertStateUrlAllowed,
  inspectStateUrl,
  maskUrlPassword,
  pgConfigFromUrl,
  redisOptionsFromUrl,
  SharedStateError,
} from '../../../src/state/shared/index.ts';
import { PG_TEST_URL, SKIP_PG } from '../postgresSupport.ts';
import { REDIS_TEST_URL } from './support/redisSupport.ts';

const NO_ENV = {} as NodeJS.ProcessEnv;

describe('maskUrlPassword', () => {
  it.each([
    ['redis://:s3cret@10.0.0.5:6379/0', 'redis://:***@10.0.0.5:6379/0'],
    ['rediss://trader:s3cret@redis.internal:6380', 'rediss://trader:***@redis.internal:6380'],
    ['postgres://txbot:p%40ss@db:5432/txbot', 'postgres://txbot:***@db:5432/txbot'],
    ['postgresql://u:pa:ss@db/x?sslmode=require', 'postgresql://u:***@db/x?sslmode=require'],
    ['postgres://u@db/x?password=hunter2&sslmode=require', 'postgres://u@db/x?password=***&sslmode=require'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['{"url":"redis://u:pw@h:1","note":"a@b"}', '{"url":"redis://u:***@h:1","note":"a@b"}'],
  ])('masks %s', (url, masked) => {
    expect(maskUrlPassword(url)).toBe(masked);
  });

  it('masks every URL inside free text, including passwords with an unencoded @', () => {
    const text = 'connect failed: redis://:a@b@10.0.0.5:6379 then REDIS://x:Y@h and postgres://u:pw@db/t';
    const masked = maskUrlPassword(text);
    expect(masked).toBe('connect failed: redis://:***@10.0.0.5:6379 then REDIS://x:***@h and postgres://u:***@db/t');
    for (const secret of ['a@b', 'Y@', 'pw@']) expect(masked).not.toContain(secret);
  });
});

describe('assertStateUrlAllowed', () => {
  it('accepts loopback targets without password or TLS', () => {
    for (const url of ['redis://127.0.0.1:6379', 'redis://localhost', 'redis://[::1]:6379', 'postgres://postgres@127.0.0.1:5432/test'])
      expect(() => assertStateUrlAllowed(url, { env: NO_ENV })).not.toThrow();
  });

  it('refuses a remote Redis without password and TLS, naming both, the fix and state.allow_insecure', () => {
    const err = (() => {
      try {
        assertStateUrlAllowed('redis://10.0.0.5:6379', { env: NO_ENV });
      } catch (e) {
        return e as SharedStateError;
      }
    })();
    expect(err).toBeInstanceOf(SharedStateError);
    expect(err!.code).toBe('INSECURE_STATE_URL');
    expect(err!.message).toBe(
      'redis://10.0.0.5:6379: refusing a redis server on non-loopback host 10.0.0.5 with no password (set TXBOT_REDIS_PASSWORD) and no TLS (use rediss://)',
    );
    expect(err!.hint).toContain('state.allow_insecure: true');
  });

  it('refuses a remote target that has only one of password and TLS, and never prints the password', () => {
    expect(() => assertStateUrlAllowed('redis://:topsecret@10.0.0.5:6379', { env: NO_ENV })).toThrow(
      /^redis:\/\/:\*\*\*@10\.0\.0\.5:6379: .* with no TLS \(use rediss:\/\/\)$/,
    );
    expect(() => assertStateUrlAllowed('rediss://10.0.0.5:6379', { env: NO_ENV })).toThrow(/with no password \(set TXBOT_REDIS_PASSWORD\)$/);
    expect(() => assertStateUrlAllowed('postgres://txbot:pw@db.internal/txbot', { env: NO_ENV })).toThrow(/no TLS \(add sslmode=verify-full\)/);
    expect(() => assertStateUrlAllowed('postgres://txbot@db.internal/txbot?sslmode=prefer', { env: NO_ENV })).toThrow(/no password .* and no TLS/);
  });

  it('accepts a remote target with password (URL or environment) and TLS, or anything with allowInsecure', () => {
    expect(() => assertStateUrlAllowed('rediss://:pw@redis.internal', { env: NO_ENV })).not.toThrow();
    expect(() => assertStateUrlAllowed('rediss://redis.internal', { env: { TXBOT_REDIS_PASSWORD: 'x' } })).not.toThrow();
    expect(() => assertStateUrlAllowed('postgres://u@db/x?sslmode=verify-full', { env: { TXBOT_PG_PASSWORD: 'x' } })).not.toThrow();
    expect(() => assertStateUrlAllowed('postgres://u@db/x?sslmode=require&sslcert=/etc/c.pem', { env: NO_ENV })).not.toThrow();
    expect(() => assertStateUrlAllowed('redis://10.0.0.5:6379', { env: NO_ENV, allowInsecure: true })).not.toThrow();
  });

  it('rejects what is not a state URL without echoing its password', () => {
    expect(() => inspectStateUrl('http://u:pw@host')).toThrow(/unsupported scheme http:/);
    expect(() => inspectStateUrl('not a url :pw@')).toThrow(SharedStateError);
    expect(() => inspectStateUrl('mysql://u:pw@host')).toThrow(/^mysql:\/\/u:\*\*\*@host: unsupported scheme mysql:/);
  });
});

describe('connection options', () => {
  it('takes the Redis password from TXBOT_REDIS_PASSWORD over the one in the URL, with TLS for rediss://', () => {
    const o = redisOptionsFromUrl('rediss://trader:inurl@redis.internal:6380/2', { env: { TXBOT_REDIS_PASSWORD: 'fromenv' } });
    expect(o).toMatchObject({
      host: 'redis.internal',
      port: 6380,
      db: 2,
      username: 'trader',
      password: 'fromenv',
      tls: { servername: 'redis.internal' },
    });
    expect(o.autoResendUnfulfilledCommands).toBe(false);
    expect(redisOptionsFromUrl('redis://:inurl@127.0.0.1', { env: NO_ENV }).password).toBe('inurl');
    expect(() => redisOptionsFromUrl('postgres://127.0.0.1/x', { env: NO_ENV })).toThrow(/expected a redis/);
  });

  it('drops the URL password for TXBOT_PG_PASSWORD (pg would let the URL win)', () => {
    const c = pgConfigFromUrl('postgres://txbot:inurl@127.0.0.1:5432/txbot', { env: { TXBOT_PG_PASSWORD: 'fromenv' } });
    expect(c.password).toBe('fromenv');
    expect(c.connectionString).toBe('postgres://txbot@127.0.0.1:5432/txbot');
    expect(pgConfigFromUrl('postgres://txbot:inurl@127.0.0.1/txbot', { env: NO_ENV })).toEqual({
      connectionString: 'postgres://txbot:inurl@127.0.0.1/txbot',
    });
  });

  it('connects to the test Redis with the built options', async () => {
    const r = new Redis(redisOptionsFromUrl(REDIS_TEST_URL, { env: NO_ENV }));
    try {
      expect(await r.ping()).toBe('PONG');
    } finally {
      r.disconnect();
    }
  });

  it.skipIf(SKIP_PG)('connects to the test PostgreSQL with the built config', async () => {
    const c = new pg.Client(pgConfigFromUrl(PG_TEST_URL, { env: NO_ENV }));
    await c.connect();
    try {
      expect((await c.query<{ one: number }>('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      await c.end();
    }
  });
});
