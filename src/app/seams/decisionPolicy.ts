// Seam `decision_policy` (config `decision_policy.kind`): who decides entries. rules = the REGIME_ACTION
// table (no policy object: the signal generator's own rules); rl = a trained policy (not built yet:
// config check refuses it, see config/seamKinds.ts). PLUG: rl_agent

import { ConfigError } from '../../domain/errors.ts';
import type { Config } from '../../config/schema.ts';
import type { DecisionPolicy } from '../../strategy/policy/index.ts';

/** The policy replacing the rule decision, or null when the rules decide. */
export function decisionPolicyFor(config: Config): DecisionPolicy | null {
  const p = config.decision_policy;
  switch (p.kind) {
    case 'rules':
      return null;
    case 'rl':
      throw new ConfigError('decision_policy.kind rl: the RL decision policy is not built yet', [
        `decision_policy.kind: the RL decision policy (PPO) is not built yet; use rules (got "rl")`,
      ]);
  }
}
