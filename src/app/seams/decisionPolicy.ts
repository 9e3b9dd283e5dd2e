// Seam `decision_policy` (config `decision_policy.kind`): who decides at every bar. rules = the REGIME_ACTION
// table (RULES_POLICY, the engine's default); rl = a policy file written by `txbot rl train`, loaded here
// (the only file read of the seam) and run deterministically. PLUG: rl_agent

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../../domain/index.ts';
import type { Config } from '../../config/index.ts';
import type { PolicyTraining } from '../../engine/index.ts';
import { loadPolicy, parsePolicyFile, trainedPolicy, type LoadedPolicy } from '../../rl/index.ts';
import type { DecisionPolicy } from '../../strategy/index.ts';

/** The configured decision policy: a factory (one instance per session: the RL observation keeps per-day state) and its training range. */
export interface DecisionPolicySeam {
  /** null = the rule table decides. */
  create(): DecisionPolicy | null;
  /** What the policy was trained on (rl), or null (rules). */
  readonly training: PolicyTraining | null;
}

/** Reads and validates a policy file; ConfigError naming the key and the file on any problem. */
export function readPolicyFile(path: string, key = 'decision_policy.policy'): LoadedPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${key}: cannot read policy file ${path}`, [
      `${key}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    ]);
  }
  try {
    return loadPolicy(parsePolicyFile(text, path));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ConfigError(`${key}: ${path} is not a usable policy file`, [`${key}: ${msg}`]);
  }
}

/** The training range recorded by `txbot rl train` in a policy file's metadata, or null when absent. */
export function policyTrainingOf(p: LoadedPolicy, file: string): PolicyTraining {
  const m = p.file.metadata;
  const from = typeof m['trainFromMs'] === 'number' ? m['trainFromMs'] : Number.NaN;
  const to = typeof m['trainToMs'] === 'number' ? m['trainToMs'] : Number.NaN;
  return { file, fromMs: from, toMs: to, dataSha256: typeof m['dataSha256'] === 'string' ? m['dataSha256'] : null };
}

export function decisionPolicyFor(config: Config, baseDir: string): DecisionPolicySeam {
  const p = config.decision_policy;
  switch (p.kind) {
    case 'rules':
      return { create: () => null, training: null };
    case 'rl': {
      const file = resolve(baseDir, p.policy);
      const loaded = readPolicyFile(file);
      try {
        trainedPolicy(loaded, config);
      } catch (e) {
        throw new ConfigError(`decision_policy.policy: ${file} does not fit this environment`, [`decision_policy.policy: ${(e as Error).message}`]);
      }
      return { create: () => trainedPolicy(loaded, config), training: policyTrainingOf(loaded, file) };
    }
  }
}
