// Redis settings check: warnings for appendonly off and evicting policies, read from the real server,
// and a CONFIG denied by ACL (a temporary user on the shared server) tolerated as a warning.

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedisSettings, redisSettingWarnings } from '../../../src/state/shared/index.ts';
import { REDIS_TEST_URL, requireRedis } from './support/redisSupport.ts';

describe('redisSettingWarnings', () => {
  it('warns about appendonly off and any policy that may evict keys, and is silent for yes/noeviction', () => {
    expect(redisSettingWarnings('yes', 'noeviction')).toEqual([]);
    expect(redisSettingWarnings('no', 'noeviction').map((w) => w.code)).toEqual(['APPENDONLY_OFF']);
    for (const policy of ['allkeys-lru', 'volatile-lru', 'volatile-ttl', 'allkeys-random'])
      expect(redisSettingWarnings('yes', policy)).toEqual([
        { code: 'EVICTION_POLICY', message: expect.stringContaining(`maxmemory-policy is ${policy}`) },
      ]);
    expect(redisSettingWarnings(null, null)).toEqual([]);
  });
});

describe('checkRedisSettings', () => {
  let admin: Redis;
  const user = `txbot_test_noconfig_${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    await requireRedis();
    admin = new Redis(REDIS_TEST_URL);
  });
  afterAll(async () => {
    await admin.call('ACL', 'DELUSER', user);
    admin.disconnect();
  });

  it("reports the server's actual appendonly and maxmemory-policy with the matching warnings", async () => {
    const [, appendonly] = (await admin.call('CONFIG', 'GET', 'appendonly')) as string[];
    const [, policy] = (await admin.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];

    const report = await checkRedisSettings(admin);

    expect(report.appendonly).toBe(appendonly);
    expect(report.maxmemoryPolicy).toBe(policy);
    expect(report.warnings).toEqual(redisSettingWarnings(appendonly, policy));
  });

  it('tolerates a user whose ACL denies CONFIG and says what was not checked', async () => {
    await admin.call('ACL', 'SETUSER', user, 'on', 'nopass', '~*', '&*', '+@all', '-config');
    const limited = new Redis(REDIS_TEST_URL, { username: user, password: 'unused' });
    try {
      const report = await checkRedisSettings(limited);

      expect(report.appendonly).toBeNull();
      expect(report.maxmemoryPolicy).toBeNull();
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0].code).toBe('CONFIG_UNAVAILABLE');
      expect(report.warnings[0].message).toMatch(/NOPERM.*appendonly and maxmemory-policy not checked/);
    } finally {
      limited.disconnect();
    }
  });
});
