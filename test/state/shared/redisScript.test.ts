// RedisScript against the real Redis: the first run of an unknown script falls back from EVALSHA to
// EVAL (loading it), later runs use EVALSHA; reply helpers reject malformed replies by script name.

import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisScript, replyArray, replyNumber } from '../../../src/state/shared/redisScript.ts';
import { redisTestSpace, requireRedis } from './support/redisSupport.ts';

const space = redisTestSpace('script');

describe('RedisScript', () => {
  let redis: Redis;
  beforeAll(async () => {
    await requireRedis();
    redis = space.client();
  });
  afterAll(() => space.cleanup());

  it('loads a script the server does not know through EVAL, then runs it by sha', async () => {
    const script = new RedisScript('probe', `return {ARGV[1], redis.call('INCR', KEYS[1])} -- ${randomBytes(8).toString('hex')}`);
    const key = `${space.prefix()}:n`;
    expect(await redis.script('EXISTS', script.sha1)).toEqual([0]);

    const first = await script.run(redis, [key], ['a']);
    const second = await script.run(redis, [key], ['b']);

    expect(first).toEqual(['a', 1]);
    expect(second).toEqual(['b', 2]);
    expect(await redis.script('EXISTS', script.sha1)).toEqual([1]);
  });

  it('names the script in the error for a reply of the wrong shape', () => {
    const script = new RedisScript('lease.example', 'return 1');
    expect(() => replyArray(script, 'x')).toThrow(/redis script lease\.example: unexpected reply "x"/);
    expect(() => replyNumber(script, ['n/a'], 0)).toThrow(/lease\.example/);
  });
});
