// Short, safe rendering of a config value for error messages ("got X").

const NON_FINITE = /"\\u0000(-?Infinity|NaN)\\u0000"/g;

/** JSON-ish rendering (Infinity and NaN by name, not as JSON's null), truncated to 60 characters; undefined reads as "nothing". */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    if (typeof v === 'number' || typeof v === 'bigint') s = String(v);
    else {
      const json = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? `\u0000${String(x)}\u0000` : x));
      s = json === undefined ? String(v) : json.replace(NON_FINITE, '$1');
    }
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
