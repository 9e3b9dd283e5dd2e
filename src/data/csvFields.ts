// Splits one CSV record into fields per RFC 4180: fields may be quoted, quotes inside doubled ("").

/**
 * The fields of one line, unquoted. Lines without a double quote take the fast path (split on commas).
 * Returns null when a quote is left open (the record would continue on the next line, which bar files
 * never need) or when text follows a closing quote (`"1.5"x`).
 */
export function splitCsvFields(line: string): string[] | null {
  if (line.indexOf('"') === -1) return line.split(',');
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    // Leading blanks before an opening quote are tolerated (" ""x""" is read as "x").
    let j = i;
    while (j < n && (line[j] === ' ' || line[j] === '\t')) j++;
    if (j < n && line[j] === '"') {
      let text = '';
      let k = j + 1;
      for (;;) {
        const q = line.indexOf('"', k);
        if (q === -1) return null;
        text += line.slice(k, q);
        if (line[q + 1] === '"') {
          text += '"';
          k = q + 2;
        } else {
          k = q + 1;
          break;
        }
      }
      while (k < n && (line[k] === ' ' || line[k] === '\t')) k++;
      fields.push(text);
      if (k === n) return fields;
      if (line[k] !== ',') return null;
      i = k + 1;
    } else {
      const comma = line.indexOf(',', i);
      const raw = comma === -1 ? line.slice(i) : line.slice(i, comma);
      if (raw.includes('"')) return null;
      fields.push(raw);
      if (comma === -1) return fields;
      i = comma + 1;
    }
  }
}
