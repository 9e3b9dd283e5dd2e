// Email channel: SMTP via nodemailer; the URL carries host, port and user, the password comes from SMTP_PASSWORD.

import nodemailer from 'nodemailer';
import { ConfigError } from '../../domain/index.ts';
import { formatAlertText, type Alert, type AlertChannel } from '../types.ts';
import { AlertDeliveryError } from './httpPost.ts';

/** Settings of the email channel. */
export interface EmailChannelOptions {
  /** smtp://user@host:587 or smtps://user@host:465 (no password in it). */
  readonly smtpUrl: string;
  readonly password?: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly timeoutMs?: number;
  /** Accept self-signed certificates (loopback test servers only). */
  readonly allowInsecureTls?: boolean;
}

/** Parses the SMTP URL into nodemailer transport options; ConfigError when it is not smtp(s)://host[:port]. */
export function smtpTransportOptions(options: EmailChannelOptions): Record<string, unknown> {
  let url: URL;
  try {
    url = new URL(options.smtpUrl);
  } catch {
    throw new ConfigError(`monitoring.email.smtp_url: expected smtp://user@host:port (got ${JSON.stringify(options.smtpUrl)})`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new ConfigError(`monitoring.email.smtp_url: expected the scheme smtp: or smtps: (got ${url.protocol})`);
  if (url.password)
    throw new ConfigError('monitoring.email.smtp_url: must not contain a password', [], { hint: 'put the password in SMTP_PASSWORD' });
  const secure = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: user ? { user, pass: options.password ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    tls: options.allowInsecureTls ? { rejectUnauthorized: false } : undefined,
  };
}

/** A channel mailing each alert (subject = code and title, body = text form) to every recipient. */
export function createEmailChannel(options: EmailChannelOptions): AlertChannel {
  if (!options.from) throw new ConfigError('monitoring.email.from: expected a sender address (got null)');
  if (options.to.length === 0) throw new ConfigError('monitoring.email.to: expected at least one recipient (got [])');
  const transport = nodemailer.createTransport(smtpTransportOptions(options));
  return {
    name: 'email',
    async send(alert: Alert): Promise<void> {
      try {
        await transport.sendMail({
          from: options.from,
          to: [...options.to],
          subject: `[txbot] ${alert.code}: ${alert.title}`,
          text: formatAlertText(alert),
        });
      } catch (err) {
        const what = err instanceof Error ? err.message : String(err);
        throw new AlertDeliveryError('email', `SMTP send failed: ${what}`, null);
      }
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}
