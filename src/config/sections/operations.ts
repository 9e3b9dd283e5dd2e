// Config sections for running live: ProjectX gateway, journal, retraining, monitoring, shared state.

import { z } from 'zod';

export const projectxSchema = z
  .strictObject({
    api_url: z.url().default('https://api.topstepx.com').describe('ProjectX REST base URL (TopstepX).'),
    rtc_url: z.url().default('https://rtc.topstepx.com').describe('ProjectX real-time hubs base URL (/hubs/user, /hubs/market).'),
    live_data: z.boolean().default(false).describe('`live` flag of data requests; Combine/practice accounts use false.'),
  })
  .prefault({});

export const liveSchema = z
  .strictObject({
    confirm: z.boolean().default(false).describe('Allow `txbot live` without --confirm-live.'),
    on_stop: z.enum(['flatten', 'leave_brackets']).default('flatten').describe('What SIGINT/SIGTERM do with an open position.'),
    status_interval_seconds: z.number().int().min(5).default(60).describe('Seconds between status log lines.'),
    reconcile_interval_seconds: z
      .number()
      .int()
      .min(5)
      .default(60)
      .describe('Seconds between reconciliations of a live session with the venue (positions, open orders, trades).'),
  })
  .prefault({});

export const journalSchema = z
  .strictObject({
    kind: z.enum(['sqlite', 'postgres', 'memory']).default('sqlite').describe('Journal backend.'),
    sqlite_path: z.string().default('.txbot/journal.db').describe('SQLite journal file.'),
    postgres_url: z.string().nullable().default(null).describe('PostgreSQL URL when kind = postgres.'),
  })
  .prefault({});

export const retrainSchema = z
  .strictObject({
    schedule_days: z.number().int().min(1).default(28).describe('Calendar days between scheduled retrains.'),
    drift_threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.2)
      .describe('Drift when the rolling mean log-likelihood is this fraction worse than the baseline.'),
    drift_window_days: z.number().int().min(1).default(5).describe('Trading days in the rolling drift window.'),
    drift_baseline: z
      .enum(['held_out', 'training'])
      .default('held_out')
      .describe(
        "held_out = a retrained model's validation score, or the mean of the first drift_window_days out-of-sample days; training = the in-sample training score (reads as drift out of sample).",
      ),
    label_matching: z
      .enum(['parameters', 'sort'])
      .default('parameters')
      .describe(
        "Labels of a retrained model: parameters = each state takes the label of the current model's nearest state (Hungarian assignment); sort = re-sort by hmm.label_by.",
      ),
    window_days: z.number().int().min(10).default(90).describe('Trading days of bars used for training.'),
    validation_days: z.number().int().min(1).default(10).describe('Most recent trading days held out to compare models.'),
    keep_models: z.number().int().min(1).default(5).describe('Previous models kept in the model store.'),
    model_dir: z.string().default('models').describe('Model store directory.'),
  })
  .prefault({});

export const monitoringSchema = z
  .strictObject({
    telegram: z
      .strictObject({
        enabled: z.boolean().default(false),
        api_base: z.url().default('https://api.telegram.org').describe('Bot API base URL; the token comes from TELEGRAM_BOT_TOKEN.'),
        chat_id: z
          .union([z.string(), z.number().int().transform(String)])
          .nullable()
          .default(null)
          .describe('Chat to send alerts to (a numeric id is read as text).'),
      })
      .prefault({}),
    email: z
      .strictObject({
        enabled: z.boolean().default(false),
        smtp_url: z
          .string()
          .nullable()
          .default(null)
          .describe('SMTP URL without password (smtp://user@host:587); the password comes from SMTP_PASSWORD.'),
        from: z.string().nullable().default(null),
        to: z.array(z.string()).default([]),
      })
      .prefault({}),
    webhook: z
      .strictObject({
        enabled: z.boolean().default(false),
        url: z.string().nullable().default(null).describe('URL receiving a JSON POST per alert.'),
      })
      .prefault({}),
    dedupe_minutes: z.number().int().min(0).default(30).describe('The same alert is not repeated within this window.'),
    daily_loss_alert_fraction: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Alert when the day loss exceeds this fraction of the daily limit or of the room to the MLL floor.'),
    min_win_rate: z.number().min(0).max(1).default(0.3).describe('Alert when the rolling win rate falls below this.'),
    win_rate_days: z.number().int().min(1).default(10).describe('Trading days in the rolling win-rate window.'),
    idle_alert_minutes: z.number().int().min(1).default(120).describe('Alert when no trade happened this long during market hours while ACTIVE.'),
    min_win_rate_trades: z.number().int().min(1).default(5).describe('Trades needed in the rolling window before the win-rate alert can fire.'),
    reconnect_storm_count: z.number().int().min(2).default(5).describe('Alert when this many reconnects happen within reconnect_storm_minutes.'),
    reconnect_storm_minutes: z.number().int().min(1).default(10).describe('Window of the reconnect-storm alert (minutes).'),
    max_alerts_per_minute: z.number().int().min(1).default(20).describe('Sends per channel per minute; further alerts wait for a slot.'),
    dashboard: z
      .strictObject({
        enabled: z.boolean().default(false),
        host: z.string().default('127.0.0.1').describe('Bind address; anything but loopback requires DASHBOARD_TOKEN.'),
        port: z.number().int().min(0).max(65535).default(8787),
      })
      .prefault({}),
    metrics: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Expose Prometheus metrics.'),
        host: z.string().default('127.0.0.1').describe('Bind address of the /metrics endpoint.'),
        port: z.number().int().min(0).max(65535).default(9464),
      })
      .prefault({}),
  })
  .prefault({});
