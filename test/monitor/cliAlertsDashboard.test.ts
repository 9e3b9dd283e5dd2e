// `txbot alerts test` against local fake servers and `txbot dashboard --results DIR` through bin/txbot.mjs.

import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startFakeHttp, startFakeSmtp } from './fakeServers.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(repoRoot, 'bin/txbot.mjs');
const dir = mkdtempSync(join(tmpdir(), 'txbot-alerts-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function txbot(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, TXBOT_LOG_LEVEL: 'silent', ...env } }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('txbot alerts test', () => {
  it('sends a TEST_MESSAGE to the webhook given with --url', async () => {
    const hook = await startFakeHttp(() => ({ status: 200, body: {} }));
    cleanups.push(hook.close);
    const r = await txbot(['alerts', 'test', '--channel', 'webhook', '--url', `${hook.url}/h`], { WEBHOOK_TOKEN: 'wh-token' });
    expect(r.code).toBe(0);
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]!.body).toMatchObject({ source: 'txbot', code: 'TEST_MESSAGE' });
    expect(hook.requests[0]!.headers.authorization).toBe('Bearer wh-token');
  }, 30_000);

  it('sends through the Telegram Bot API base given with --url, chat id from the config environment', async () => {
    const api = await startFakeHttp();
    cleanups.push(api.close);
    const r = await txbot(['alerts', 'test', '--channel', 'telegram', '--url', api.url], {
      TELEGRAM_BOT_TOKEN: '42:tg-token',
      TXBOT__MONITORING__TELEGRAM__CHAT_ID: '777',
    });
    expect(r.code).toBe(0);
    expect(api.requests[0]!.url).toBe('/bot42:tg-token/sendMessage');
    expect(api.requests[0]!.body).toMatchObject({ chat_id: '777' });
    expect(r.stdout + r.stderr).not.toContain('tg-token');
  }, 30_000);

  it('sends an email through the SMTP URL given with --url', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(smtp.close);
    const r = await txbot(['alerts', 'test', '--channel', 'email', '--url', `smtp://127.0.0.1:${smtp.port}`], {
      TXBOT__MONITORING__EMAIL__FROM: 'txbot@example.com',
      TXBOT__MONITORING__EMAIL__TO: '[ops@example.com]',
    });
    expect(r.code).toBe(0);
    expect(smtp.mails.map((m) => m.to)).toEqual([['ops@example.com']]);
  }, 30_000);

  it('fails with one line and a non-zero exit when the channel refuses or is unknown', async () => {
    const hook = await startFakeHttp(() => ({ status: 500, body: {} }));
    cleanups.push(hook.close);
    const refused = await txbot(['alerts', 'test', '--channel', 'webhook', '--url', hook.url]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).not.toContain('    at ');
    const unknown = await txbot(['alerts', 'test', '--channel', 'pager']);
    expect(unknown.code).toBe(2);
    const noToken = await txbot(['alerts', 'test', '--channel', 'telegram', '--url', hook.url], { TELEGRAM_BOT_TOKEN: '' });
    expect(noToken.code).toBe(2);
  }, 60_000);
});

describe('txbot dashboard --results', () => {
  it('serves the results folder and stops on SIGTERM', async () => {
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ trades: 7 }));
    const child = spawn(process.execPath, [bin, 'dashboard', '--results', dir, '--port', '0'], {
      cwd: dir,
      env: { ...process.env, TXBOT_LOG_LEVEL: 'silent' },
    });
    const url = await new Promise<string>((done, fail) => {
      let buf = '';
      child.stdout.on('data', (c: Buffer) => {
        buf += c.toString();
        const m = /http:\/\/[^\s]+/.exec(buf);
        if (m) done(m[0]);
      });
      child.on('exit', (code) => fail(new Error(`dashboard exited ${code}`)));
    });
    const r = (await (await fetch(`${url}api/results`)).json()) as { summary: { trades: number } };
    expect(r.summary.trades).toBe(7);
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});
