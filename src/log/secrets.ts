// Secrets come only from the environment; this module reads them and lists them for log redaction.

/** Environment variables holding secrets. Never logged, never written to config or journal. */
export const SECRET_ENV_VARS = [
  'PROJECTX_USERNAME',
  'PROJECTX_API_KEY',
  'TELEGRAM_BOT_TOKEN',
  'SMTP_PASSWORD',
  'DASHBOARD_TOKEN',
  'WEBHOOK_TOKEN',
  'ALPHAVANTAGE_API_KEY',
  'ALPACA_API_KEY_ID',
  'ALPACA_API_SECRET_KEY',
  'TRADINGECONOMICS_API_KEY',
] as const;
export type SecretName = (typeof SECRET_ENV_VARS)[number];

/** Reads a secret; undefined when unset or empty. */
export function readSecret(name: SecretName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env[name];
  return v && v.length > 0 ? v : undefined;
}

/** Replaces every occurrence of any set secret in `text` with [REDACTED]. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const name of SECRET_ENV_VARS) {
    const v = env[name];
    if (v && v.length >= 4) out = out.split(v).join('[REDACTED]');
  }
  return out;
}
