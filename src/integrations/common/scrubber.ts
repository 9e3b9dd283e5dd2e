// Removes API keys from text before it reaches a log line, an alert or an error message.

import { redactSecrets } from '../../log/index.ts';

/** A function that replaces every known secret in a text with [REDACTED]. */
export type Scrubber = (text: string) => string;

/** Query parameters that carry keys in vendor URLs (Alpha Vantage `apikey`, Trading Economics `c`). */
const KEY_PARAMS = /([?&](?:apikey|api_key|c|token|key)=)[^&#\s"'<>]*/gi;

/**
 * A scrubber for the given secret values (those shorter than 4 characters are ignored, as in
 * config/secrets.ts) that also masks key-carrying query parameters and every secret set in the
 * process environment.
 */
export function makeScrubber(secrets: readonly (string | undefined)[]): Scrubber {
  const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  return (text) => {
    let out = text;
    for (const v of values) out = out.split(v).join('[REDACTED]');
    for (const v of values) {
      const enc = encodeURIComponent(v);
      if (enc !== v) out = out.split(enc).join('[REDACTED]');
    }
    return redactSecrets(out.replace(KEY_PARAMS, '$1[REDACTED]'));
  };
}
