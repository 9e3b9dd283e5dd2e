// One HTTP GET to a vendor with a timeout, mapped to IntegrationError by cause (status, timeout, HTML, network).

import { IntegrationError } from './integrationError.ts';
import type { Scrubber } from './scrubber.ts';

/** A vendor GET: the URL (may carry a key in its query), headers, a timeout and the scrubber for messages. */
export interface VendorRequest {
  /** Client name used in messages: forexfactory, tradingeconomics, alphavantage, alpaca, cboe. */
  readonly source: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly scrub: Scrubber;
}

const SNIPPET_CHARS = 160;

/** The first characters of a body on one line, scrubbed (for messages). */
export function bodySnippet(text: string, scrub: Scrubber): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return scrub(oneLine.length > SNIPPET_CHARS ? `${oneLine.slice(0, SNIPPET_CHARS)}...` : oneLine);
}

/**
 * GETs `req.url` and returns the body text of a 2xx answer. Throws IntegrationError:
 * INTEGRATION_TIMEOUT (no complete answer within timeoutMs), INTEGRATION_NETWORK (refused, reset, DNS),
 * INTEGRATION_RATE_LIMITED (429), INTEGRATION_HTTP_STATUS (other non-2xx; 5xx retryable).
 */
export async function fetchVendorText(req: VendorRequest): Promise<string> {
  const where = `GET ${req.scrub(req.url)}`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(req.url, { headers: req.headers, signal: AbortSignal.timeout(req.timeoutMs), redirect: 'follow' });
    text = await res.text();
  } catch (e) {
    const name = e instanceof Error ? e.name : '';
    if (name === 'TimeoutError' || name === 'AbortError')
      throw new IntegrationError('INTEGRATION_TIMEOUT', req.source, `${where}: no answer within ${req.timeoutMs} ms`, { retryable: true });
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    throw new IntegrationError('INTEGRATION_NETWORK', req.source, `${where}: ${req.scrub(cause)}`, { retryable: true });
  }
  if (res.status === 429)
    throw new IntegrationError('INTEGRATION_RATE_LIMITED', req.source, `${where}: HTTP 429 rate limited (${bodySnippet(text, req.scrub)})`, {
      httpStatus: 429,
      retryable: true,
    });
  if (res.status < 200 || res.status > 299)
    throw new IntegrationError('INTEGRATION_HTTP_STATUS', req.source, `${where}: HTTP ${res.status} (${bodySnippet(text, req.scrub)})`, {
      httpStatus: res.status,
      retryable: res.status >= 500,
    });
  return text;
}

/** Like fetchVendorText, then parses JSON; an HTML page or malformed body is INTEGRATION_NOT_JSON. */
export async function fetchVendorJson(req: VendorRequest): Promise<unknown> {
  const text = await fetchVendorText(req);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('<'))
    throw new IntegrationError(
      'INTEGRATION_NOT_JSON',
      req.source,
      `GET ${req.scrub(req.url)}: expected JSON, got HTML (${bodySnippet(text, req.scrub)})`,
      {
        httpStatus: 200,
        retryable: true,
      },
    );
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new IntegrationError(
      'INTEGRATION_NOT_JSON',
      req.source,
      `GET ${req.scrub(req.url)}: body is not valid JSON (${bodySnippet(text, req.scrub)})`,
      {
        httpStatus: 200,
        retryable: true,
      },
    );
  }
}
