// PPO hyperparameters with Stable-Baselines3 defaults, and their validation.

/** PPO hyperparameters; names follow SB3 PPO's keyword arguments in camelCase. */
export interface PpoConfig {
  /** Steps per env per rollout (n_steps); a rollout holds nSteps × numEnvs transitions. */
  readonly nSteps: number;
  /** Minibatch size (batch_size). */
  readonly batchSize: number;
  /** Passes over each rollout (n_epochs). */
  readonly nEpochs: number;
  readonly gamma: number;
  /** GAE λ (gae_lambda). */
  readonly gaeLambda: number;
  /** Policy ratio clip ε (clip_range). */
  readonly clipRange: number;
  /** Value clip (clip_range_vf); null = unclipped. */
  readonly clipRangeVf: number | null;
  /** Normalise advantages per minibatch (normalize_advantage). */
  readonly normalizeAdvantage: boolean;
  /** Entropy bonus coefficient (ent_coef). */
  readonly entCoef: number;
  /** Value loss coefficient (vf_coef). */
  readonly vfCoef: number;
  /** Global gradient-norm clip (max_grad_norm). */
  readonly maxGradNorm: number;
  /** Constant Adam learning rate (learning_rate). */
  readonly learningRate: number;
  /** Adam ε: SB3's ActorCriticPolicy passes eps=1e-5 to torch.optim.Adam (PyTorch's own default is 1e-8). */
  readonly adamEps: number;
  /** Stop the epoch loop when a minibatch's approx KL exceeds 1.5 × targetKl (target_kl); null = never. */
  readonly targetKl: number | null;
  /** Hidden layer widths of the actor and critic (net_arch pi / vf). */
  readonly actorHidden: readonly number[];
  readonly criticHidden: readonly number[];
  /** Running observation normalisation (SB3 VecNormalize's observation part, norm_obs=True); off in SB3 PPO itself. */
  readonly normalizeObservations: boolean;
}

/** SB3 PPO / MlpPolicy defaults (stable_baselines3/ppo/ppo.py, common/policies.py), observation normalisation off. */
export const PPO_DEFAULTS: PpoConfig = {
  nSteps: 2048,
  batchSize: 64,
  nEpochs: 10,
  gamma: 0.99,
  gaeLambda: 0.95,
  clipRange: 0.2,
  clipRangeVf: null,
  normalizeAdvantage: true,
  entCoef: 0,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  learningRate: 3e-4,
  adamEps: 1e-5,
  targetKl: null,
  actorHidden: [64, 64],
  criticHidden: [64, 64],
  normalizeObservations: false,
};

/** Defaults overlaid with `overrides`, checked; throws a RangeError listing every bad key with its value and rule. */
export function resolvePpoConfig(overrides: Partial<PpoConfig> = {}): PpoConfig {
  const c: PpoConfig = { ...PPO_DEFAULTS, ...overrides };
  const problems: string[] = [];
  const check = (ok: boolean, key: keyof PpoConfig, rule: string): void => {
    if (!ok) problems.push(`${key} ${rule} (got ${JSON.stringify(c[key])})`);
  };
  const posInt = (v: number): boolean => Number.isInteger(v) && v >= 1;
  check(posInt(c.nSteps), 'nSteps', 'must be an integer >= 1');
  check(posInt(c.batchSize), 'batchSize', 'must be an integer >= 1');
  check(posInt(c.nEpochs), 'nEpochs', 'must be an integer >= 1');
  check(c.gamma >= 0 && c.gamma <= 1, 'gamma', 'must be in [0, 1]');
  check(c.gaeLambda >= 0 && c.gaeLambda <= 1, 'gaeLambda', 'must be in [0, 1]');
  check(c.clipRange > 0, 'clipRange', 'must be > 0');
  check(c.clipRangeVf === null || c.clipRangeVf > 0, 'clipRangeVf', 'must be null or > 0');
  check(c.entCoef >= 0, 'entCoef', 'must be >= 0');
  check(c.vfCoef >= 0, 'vfCoef', 'must be >= 0');
  check(c.maxGradNorm > 0, 'maxGradNorm', 'must be > 0');
  check(c.learningRate >= 0, 'learningRate', 'must be >= 0');
  check(c.adamEps > 0, 'adamEps', 'must be > 0');
  check(c.targetKl === null || c.targetKl > 0, 'targetKl', 'must be null or > 0');
  check(c.actorHidden.every(posInt), 'actorHidden', 'must list integer widths >= 1');
  check(c.criticHidden.every(posInt), 'criticHidden', 'must list integer widths >= 1');
  if (problems.length > 0) throw new RangeError(`invalid PPO hyperparameters: ${problems.join('; ')}`);
  return { ...c, actorHidden: [...c.actorHidden], criticHidden: [...c.criticHidden] };
}
