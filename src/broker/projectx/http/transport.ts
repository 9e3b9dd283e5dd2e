// One HTTP exchange with the ProjectX REST API over fetch: JSON POST (GET for Status/ping), a timeout,
// and every failure mapped to a ProjectXError (401 / 429 / 5xx / other status / transport / bad JSON).

import { ProjectXError, httpStatusError } from '../errors.ts';

/** The fetch signature the transport needs (injectable for tests). */
export type FetchFn = typeof fetch;

/** Options of one request. The token is sent as a bearer header and never appears in errors. */
export interface TransportRequest {
  readonly baseUrl: string;
  /** e.g. 'Order/place' (the path under /api/). */
  readonly endpoint: string;
  readonly method: 'POST' | 'GET';
  readonly body?: unknown;
  readonly token?: string;
  readonly timeoutMs: number;
}

/** Joins the REST base (with or without a trailing /api) and an endpoint path. */
export function endpointUrl(baseUrl: string, endpoint: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return base.endsWith('/api') ? `${base}/${endpoint}` : `${base}/api/${endpoint}`;
}

/** Sends one request; returns the parsed JSON (or text for non-JSON 200 bodies such as "pong"). */
export async function sendRequest(req: TransportRequest, fetchFn: FetchFn = fetch): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (req.method === 'POST') headers['content-type'] = 'application/json';
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  let res: Response;
  try {
    res = await fetchFn(endpointUrl(req.baseUrl, req.endpoint), {
      method: req.method,
      headers,
      body: req.method === 'POST' ? JSON.stringify(req.body ?? {}) : undefined,
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (e) {
    const reason = e instanceof Error ? (e.name === 'TimeoutError' ? `no response within ${req.timeoutMs} ms` : describeCause(e)) : String(e);
    throw new ProjectXError('PROJECTX_TRANSPORT', {
      endpoint: req.endpoint,
      retryable: true,
      message: `ProjectX ${req.endpoint}: request failed: ${reason}`,
      hint: `check that the gateway at ${req.baseUrl} is reachable (--gateway or projectx.api_url)`,
    });
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    throw new ProjectXError('PROJECTX_TRANSPORT', {
      endpoint: req.endpoint,
      httpStatus: res.status,
      retryable: true,
      message: `ProjectX ${req.endpoint}: response body lost: ${describeCause(e)}`,
    });
  }
  if (res.status !== 200) throw httpStatusError(req.endpoint, res.status, text.slice(0, 200).replace(/\s+/g, ' ').trim());
  if (text.length === 0) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (req.method === 'GET') return text;
    throw new ProjectXError('PROJECTX_BAD_RESPONSE', {
      endpoint: req.endpoint,
      httpStatus: 200,
      retryable: false,
      message: `ProjectX ${req.endpoint}: response is not JSON (starts ${JSON.stringify(text.slice(0, 40))})`,
    });
  }
}

function describeCause(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as Error & { cause?: unknown }).cause;
  if (!cause || typeof cause !== 'object') return e.message;
  const detail =
    'code' in cause && (cause as { code: unknown }).code !== undefined
      ? String((cause as { code: unknown }).code)
      : cause instanceof Error
        ? cause.message
        : '';
  return detail ? `${e.message} (${detail})` : e.message;
}
