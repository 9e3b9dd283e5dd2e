// The trained RL agent as a DecisionPolicy for backtest, walk-forward, paper and live (deterministic: the most probable allowed action).

import type { Config } from '../config/index.ts';
import type { DecisionPolicy, PolicyContext, PolicyDecision } from '../strategy/index.ts';
import { ObservationBuilder, OBSERVATION_SIZE } from './observation.ts';
import type { LoadedPolicy } from './policyFile.ts';
import { ACTION_COUNT, actionDecision, actionMask, actionSettingsFromConfig, type ActionSettings } from './tradingActions.ts';

/** Chooses an action index from the observation and mask of a decided bar. */
export type ActionChooser = (obs: Float64Array, mask: Uint8Array, ctx: PolicyContext) => number;

/**
 * A DecisionPolicy that builds the environment's observation and mask at each decided bar and maps the
 * chosen action to a target position exactly as TradingEnv.step does. One instance per session (the
 * observation keeps today's closes and volumes).
 */
export class ActionPolicy implements DecisionPolicy {
  readonly name: string;
  private readonly builder: ObservationBuilder;
  private readonly actions: ActionSettings;
  private readonly obs = new Float64Array(OBSERVATION_SIZE);
  private readonly mask = new Uint8Array(ACTION_COUNT);
  /** Actions taken, in order (for tests and the trade count of the random baseline). */
  readonly taken: number[] = [];

  constructor(
    name: string,
    config: Config,
    private readonly choose: ActionChooser,
  ) {
    this.name = name;
    this.builder = new ObservationBuilder(config);
    this.actions = actionSettingsFromConfig(config);
  }

  decide(ctx: PolicyContext): PolicyDecision {
    this.builder.build(ctx, this.obs);
    actionMask(ctx, this.actions, this.mask);
    const a = this.choose(this.obs, this.mask, ctx);
    if (this.mask[a] !== 1) throw new RangeError(`${this.name}: chose masked action ${a}`);
    this.taken.push(a);
    return actionDecision(ctx, a, this.actions);
  }
}

/** The policy file's network, deterministic (argmax over allowed actions). */
export function trainedPolicy(policy: LoadedPolicy, config: Config, name = 'rl'): ActionPolicy {
  const shape = policy.file.observation.shape;
  if (shape.length !== 1 || shape[0] !== OBSERVATION_SIZE || policy.file.action.n !== ACTION_COUNT)
    throw new RangeError(
      `policy expects observation ${JSON.stringify(shape)} and ${policy.file.action.n} actions; txbot's env has [${OBSERVATION_SIZE}] and ${ACTION_COUNT}`,
    );
  return new ActionPolicy(name, config, (obs, mask) => policy.predict(obs, mask));
}
