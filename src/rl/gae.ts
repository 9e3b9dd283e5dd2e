// Generalised advantage estimation GAE(γ, λ) over a time-major rollout of N envs, with terminated vs truncated episode ends.

/** Inputs of computeGae; every (T × N) array is time-major: entry t·N + e is step t of env e. */
export interface GaeInput {
  readonly nSteps: number;
  readonly nEnvs: number;
  /** r_t (T × N). */
  readonly rewards: Float64Array;
  /** V(s_t) (T × N), the critic's value of the observation the action was taken in. */
  readonly values: Float64Array;
  /** 1 where step t ended the episode in a terminal state (T × N). */
  readonly terminated: Uint8Array;
  /** 1 where step t cut the episode off without a terminal state (time limit, end of data) (T × N). */
  readonly truncated: Uint8Array;
  /** V(s_final), the value of the observation a truncated episode ended on; read only where truncated and not terminated (T × N). */
  readonly truncationValues: Float64Array;
  /** V(s_T), the value of each env's observation after the last step (N). */
  readonly lastValues: Float64Array;
  readonly gamma: number;
  readonly lambda: number;
}

/**
 * GAE (Schulman et al. 2016, eq. 16), per env backwards in t:
 *   next_t = 0 if terminated_t; V(s_final) if truncated_t; V(s_{t+1}) otherwise (V(s_T) = lastValues at t = T−1);
 *   δ_t = r_t + γ·next_t − V(s_t);   Â_t = δ_t + γλ·(1 − done_t)·Â_{t+1},  done_t = terminated_t ∨ truncated_t;
 *   returns R_t = Â_t + V(s_t) (the critic's regression target, TD(λ) return).
 * A truncated step bootstraps from its final observation but does not carry the trace into the next episode. This equals
 * SB3 (OnPolicyAlgorithm.collect_rollouts: reward += γ·V(terminal_observation) on TimeLimit.truncated, then
 * RolloutBuffer.compute_returns_and_advantage treating the step as done); terminated wins when both flags are set.
 * Shapes: advantages, returns (T × N); returned, allocated when not given.
 */
export function computeGae(
  g: GaeInput,
  advantages: Float64Array = new Float64Array(g.nSteps * g.nEnvs),
  returns: Float64Array = new Float64Array(g.nSteps * g.nEnvs),
): { advantages: Float64Array; returns: Float64Array } {
  const { nSteps: T, nEnvs: N, gamma, lambda } = g;
  const size = T * N;
  for (const [name, a] of [
    ['rewards', g.rewards],
    ['values', g.values],
    ['terminated', g.terminated],
    ['truncated', g.truncated],
    ['truncationValues', g.truncationValues],
  ] as const) {
    if (a.length < size) throw new RangeError(`GAE ${name} has ${a.length} entries (expected ${T} × ${N})`);
  }
  if (g.lastValues.length < N) throw new RangeError(`GAE lastValues has ${g.lastValues.length} entries (expected ${N})`);
  for (let e = 0; e < N; e++) {
    let gae = 0;
    for (let t = T - 1; t >= 0; t--) {
      const k = t * N + e;
      const terminated = g.terminated[k] !== 0;
      const truncated = g.truncated[k] !== 0;
      const next = terminated ? 0 : truncated ? g.truncationValues[k]! : t === T - 1 ? g.lastValues[e]! : g.values[k + N]!;
      const delta = g.rewards[k]! + gamma * next - g.values[k]!;
      gae = delta + (terminated || truncated ? 0 : gamma * lambda * gae);
      advantages[k] = gae;
      returns[k] = gae + g.values[k]!;
    }
  }
  return { advantages, returns };
}
