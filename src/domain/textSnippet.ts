// Safe quoting of user-supplied text in error messages: control bytes escaped, long text truncated.

/** Characters of a quoted snippet before it is cut (the full length is then stated). */
export const SNIPPET_MAX_CHARS = 80;

function escapeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (ch === '"') return '\\"';
  if (ch === '\\') return '\\\\';
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code === 0xfffd || (code >= 0x2028 && code <= 0x2029) || code === 0xfeff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return ch;
}

/**
 * `text` in double quotes with control characters escaped (\n, \x00, ...), cut after `max` characters
 * with the full length stated, e.g. `"timestamp,op..." (2097152 characters)`.
 */
export function quoteSnippet(text: string, max = SNIPPET_MAX_CHARS): string {
  const chars = Array.from(text.length > max * 4 ? text.slice(0, max * 4) : text);
  const cut = chars.length > max || text.length > max * 4;
  const body = chars.slice(0, max).map(escapeChar).join('');
  return cut ? `"${body}..." (${text.length} characters)` : `"${body}"`;
}

/** `text` with control characters escaped and cut after `max` characters (for messages that quote a library's text). */
export function cleanText(text: string, max = 200): string {
  const chars = Array.from(text.slice(0, max * 4));
  const body = chars
    .slice(0, max)
    .map((ch) => (ch === '"' || ch === '\\' ? ch : escapeChar(ch)))
    .join('');
  return chars.length > max || text.length > max * 4 ? `${body}...` : body;
}

/** Whether text looks binary (NUL bytes or many control characters), i.e. not a CSV/YAML text file. */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 4096);
  if (sample.includes('\0')) return true;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  return sample.length > 0 && control / sample.length > 0.1;
}
