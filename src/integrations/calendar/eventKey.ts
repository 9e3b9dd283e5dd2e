// Canonical names of the releases the shipped CSV lists, so a vendor's title and the CSV's name can be matched.

/** Vendor title patterns per CSV event name (ForexFactory and Trading Economics spellings). */
const KEYS: readonly (readonly [string, RegExp])[] = [
  ['NFP', /\bnon[- ]?farm (payrolls|employment change)\b/i],
  ['PPI', /\bPPI\b|producer price/i],
  ['CPI', /\bCPI\b|^(core )?inflation rate (mom|yoy)\b/i],
  ['JOLTS', /\bjolts\b/i],
  ['FOMC', /\bFOMC statement\b|\bfederal funds rate\b|\bfed interest rate decision\b/i],
];

/**
 * The canonical key of an event name: NFP, CPI, PPI, JOLTS, FOMC for the releases the CSV carries
 * (matched on the vendor's title), else the trimmed, lower-cased name itself. The CSV's own names are
 * already keys. "FOMC Press Conference" and "FOMC Meeting Minutes" are not the FOMC decision.
 */
export function eventKey(name: string): string {
  const trimmed = name.trim();
  for (const [key] of KEYS) if (trimmed.toUpperCase() === key) return key;
  for (const [key, re] of KEYS) if (re.test(trimmed)) return key;
  return trimmed.toLowerCase();
}
