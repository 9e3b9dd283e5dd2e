// Each alert channel against a local fake server: Telegram and webhook over HTTP, email over loopback SMTP.

import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/domain/errors.ts';
import { AlertDeliveryError } from '../../src/monitor/channels/httpPost.ts';
import { createEmailChannel } from '../../src/monitor/channels/email.ts';
import { createTelegramChannel } from '../../src/monitor/channels/telegram.ts';
import { createWebhookChannel } from '../../src/monitor/channels/webhook.ts';
import type { Alert } from '../../src/monitor/types.ts';
import { startFakeHttp, startFakeSmtp } from './fakeServers.ts';

const ALERT: Alert = {
  code: 'RISK_STATE_CHANGED',
  severity: 'critical',
  title: 'Trading HALTED',
  text: 'DAILY_LOSS_LIMIT: pnl=-1020 limit=-1000',
  tsMs: Date.UTC(2026, 0, 5, 15, 0),
};
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('telegram channel', () => {
  it('posts sendMessage with the chat id and the alert text to {api_base}/bot{token}/sendMessage', async () => {
    const server = await startFakeHttp();
    cleanups.push(server.close);
    const channel = createTelegramChannel({ apiBase: `${server.url}/`, botToken: '123:secret-token', chatId: '-1001' });
    await channel.send(ALERT);
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/bot123:secret-token/sendMessage');
    expect(req.body).toMatchObject({ chat_id: '-1001' });
    const text = (req.body as { text: string }).text;
    expect(text).toContain('RISK_STATE_CHANGED');
    expect(text).toContain('DAILY_LOSS_LIMIT: pnl=-1020 limit=-1000');
  });

  it('fails with the HTTP status and without the token in the message when the Bot API refuses', async () => {
    const server = await startFakeHttp(() => ({ status: 401, body: { ok: false, description: 'Unauthorized' } }));
    cleanups.push(server.close);
    const channel = createTelegramChannel({ apiBase: server.url, botToken: '123:secret-token', chatId: '1' });
    const err = await channel.send(ALERT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlertDeliveryError);
    expect((err as AlertDeliveryError).status).toBe(401);
    expect((err as Error).message).not.toContain('secret-token');
  });

  it('treats ok=false in a 200 answer as a failure', async () => {
    const server = await startFakeHttp(() => ({ status: 200, body: { ok: false, description: 'chat not found' } }));
    cleanups.push(server.close);
    const channel = createTelegramChannel({ apiBase: server.url, botToken: 't0ken', chatId: '1' });
    await expect(channel.send(ALERT)).rejects.toBeInstanceOf(AlertDeliveryError);
  });

  it('refuses to start without a token (ConfigError)', () => {
    expect(() => createTelegramChannel({ apiBase: 'http://127.0.0.1:1', botToken: '', chatId: '1' })).toThrow(ConfigError);
  });
});

describe('webhook channel', () => {
  it('posts the version-1 JSON payload with the bearer token', async () => {
    const server = await startFakeHttp(() => ({ status: 204, body: '' }));
    cleanups.push(server.close);
    const channel = createWebhookChannel({ url: `${server.url}/hooks/txbot`, token: 'hook-token' });
    await channel.send(ALERT);
    const req = server.requests[0]!;
    expect(req.url).toBe('/hooks/txbot');
    expect(req.headers.authorization).toBe('Bearer hook-token');
    expect(req.body).toEqual({
      source: 'txbot',
      version: 1,
      code: 'RISK_STATE_CHANGED',
      severity: 'critical',
      title: 'Trading HALTED',
      text: 'DAILY_LOSS_LIMIT: pnl=-1020 limit=-1000',
      tsMs: ALERT.tsMs,
      time: '2026-01-05T15:00:00.000Z',
    });
  });

  it('fails with status 500 on a server error and with null on a refused connection', async () => {
    const server = await startFakeHttp(() => ({ status: 500, body: { error: 'boom' } }));
    cleanups.push(server.close);
    const err500 = await createWebhookChannel({ url: server.url })
      .send(ALERT)
      .catch((e: unknown) => e);
    expect((err500 as AlertDeliveryError).status).toBe(500);
    const errNet = await createWebhookChannel({ url: 'http://127.0.0.1:1/x' })
      .send(ALERT)
      .catch((e: unknown) => e);
    expect(errNet).toBeInstanceOf(AlertDeliveryError);
    expect((errNet as AlertDeliveryError).status).toBeNull();
  });

  it('rejects a URL that is not http(s) with a ConfigError', () => {
    expect(() => createWebhookChannel({ url: 'ftp://example.com/x' })).toThrow(ConfigError);
  });
});

describe('email channel', () => {
  it('delivers the alert to every recipient over SMTP with the user from the URL and the password from the option', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(smtp.close);
    const channel = createEmailChannel({
      smtpUrl: `smtp://alerts%40desk@127.0.0.1:${smtp.port}`,
      password: 'smtp-pass',
      from: 'txbot@example.com',
      to: ['ops@example.com', 'me@example.com'],
    });
    cleanups.push(() => channel.close!());
    await channel.send(ALERT);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.from).toBe('txbot@example.com');
    expect(mail.to).toEqual(['ops@example.com', 'me@example.com']);
    expect(mail.user).toBe('alerts@desk');
    expect(mail.password).toBe('smtp-pass');
    expect(mail.raw).toContain('Subject: [txbot] RISK_STATE_CHANGED: Trading HALTED');
    const body = mail.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    expect(body).toContain('DAILY_LOSS_LIMIT: pnl=-1020 limit=-1000');
  });

  it('rejects a password inside the SMTP URL and a missing recipient list', () => {
    expect(() => createEmailChannel({ smtpUrl: 'smtp://u:p@127.0.0.1:25', from: 'a@b', to: ['c@d'] })).toThrow(ConfigError);
    expect(() => createEmailChannel({ smtpUrl: 'smtp://127.0.0.1:25', from: 'a@b', to: [] })).toThrow(ConfigError);
  });

  it('fails with AlertDeliveryError when no SMTP server listens', async () => {
    const channel = createEmailChannel({ smtpUrl: 'smtp://127.0.0.1:1', from: 'a@b.c', to: ['c@d.e'], timeoutMs: 2_000 });
    await expect(channel.send(ALERT)).rejects.toBeInstanceOf(AlertDeliveryError);
  });
});
