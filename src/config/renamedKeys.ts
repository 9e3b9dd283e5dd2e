// Keys that were replaced: a config still using one gets a message naming the new key, not "unknown key".

/** Old top-level or dotted key → what replaced it. */
export const RENAMED_KEYS: Readonly<Record<string, string>> = {
  use_rl_agent: 'use_rl_agent was replaced by decision_policy: { kind: rules } or { kind: rl, policy: FILE }',
  redis_url: 'redis_url was replaced by state: { kind: redis, url: URL } (or { kind: memory })',
  'retrain.enabled': 'retrain.enabled was replaced by regime_source: { kind: retraining } (or { kind: fixed })',
};

/** Problems for every replaced key present in a raw (unvalidated) config object. */
export function renamedKeyProblems(raw: unknown): string[] {
  if (raw === null || typeof raw !== 'object') return [];
  const out: string[] = [];
  for (const [key, message] of Object.entries(RENAMED_KEYS)) {
    let node: unknown = raw;
    for (const part of key.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    if (node !== undefined) out.push(`${key}: ${message}`);
  }
  return out;
}
