// The logger writes JSON off a TTY and never lets a secret through, in fields or in message text.

import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log/logger.ts';
import { redactSecrets } from '../../src/log/secrets.ts';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logger', () => {
  const saved = process.env.PROJECTX_API_KEY;
  afterEach(() => {
    if (saved === undefined) delete process.env.PROJECTX_API_KEY;
    else process.env.PROJECTX_API_KEY = saved;
  });

  it('redacts secret fields and secret values inside messages', () => {
    process.env.PROJECTX_API_KEY = 'k3y-s3cr3t-value';
    const c = capture();
    const log = createLogger({ pretty: false, destination: c.stream });
    log.info({ token: 'jwt.abc.def', nested: { apiKey: 'x1' }, component: 'test' }, 'login with k3y-s3cr3t-value done');
    const [line] = c.lines();
    expect(line!.token).toBe('[REDACTED]');
    expect((line!.nested as Record<string, unknown>).apiKey).toBe('[REDACTED]');
    expect(line!.msg).toBe('login with [REDACTED] done');
    expect(JSON.stringify(line)).not.toContain('k3y-s3cr3t-value');
  });

  it('redacts secrets in error text used by the CLI', () => {
    expect(redactSecrets('401 for user u with key abcd1234', { PROJECTX_API_KEY: 'abcd1234' })).toBe('401 for user u with key [REDACTED]');
  });
});
