// Compares a saved model with the configuration it is used under: differences are warnings (the model's
// own settings win), model labels without an entry in the config's regime tables are errors.

import type { Config } from '../config/index.ts';
import { ModelError, regimeLabelsFor } from '../domain/index.ts';
import type { RegimeModel } from './modelStore.ts';

/** One line per setting where `model` differs from `config`, e.g. "the model has 3 states but hmm.n_states is 5". */
export function modelConfigDifferences(model: RegimeModel, config: Config): string[] {
  const out: string[] = [];
  const f = model.features;
  const differ = (what: string, modelValue: unknown, key: string, configValue: unknown): void => {
    if (JSON.stringify(modelValue) !== JSON.stringify(configValue))
      out.push(`the model's ${what} is ${JSON.stringify(modelValue)} but ${key} is ${JSON.stringify(configValue)}`);
  };
  if (model.params.nStates !== config.hmm.n_states)
    out.push(`the model has ${model.params.nStates} states but hmm.n_states is ${config.hmm.n_states}`);
  else {
    const expected = config.hmm.n_states === 7 ? config.state_labels.seven : config.state_labels.five;
    differ('state labels', model.labels, `state_labels.${config.hmm.n_states === 7 ? 'seven' : 'five'}`, expected);
  }
  differ('feature list', f.names, 'hmm.features', config.hmm.features);
  differ('covariance', model.params.covariance, 'hmm.covariance', config.hmm.covariance);
  differ('realized-volatility window', f.realizedVolBars, 'hmm.realized_vol_bars', config.hmm.realized_vol_bars);
  differ('volume-ratio window', f.volumeRatioBars, 'hmm.volume_ratio_bars', config.hmm.volume_ratio_bars);
  differ('regular-session-only features', f.rthOnly, 'session.rth_only', config.session.rth_only);
  differ('regular-session-only training', f.trainRthOnly, 'hmm.train_rth_only', config.hmm.train_rth_only);
  differ('VWAP anchor time', f.vwapAnchorTime, 'vwap.anchor_time', config.vwap.anchor_time);
  differ('VWAP time zone', f.vwapTimeZone, 'session.timezone', config.session.timezone);
  differ('VWAP price source', f.vwapPriceSource, 'vwap.price_source', config.vwap.price_source);
  return out;
}

/**
 * Throws ModelError when a label of `model` has no entry in a per-regime table of `config` (the engine
 * would have no action, stop, target or size for it); `where` names the model file.
 */
export function requireRegimeTablesCover(model: RegimeModel, config: Config, where: string): void {
  const tables = ['regime_action', 'stops', 'targets', 'regime_size_multipliers'] as const;
  const missing: string[] = [];
  for (const t of tables) {
    const table = config[t] as Record<string, unknown>;
    for (const l of model.labels) if (table[l] === undefined) missing.push(`${t}.${l}`);
  }
  if (missing.length) {
    throw new ModelError(
      'MODEL_CONFIG_MISMATCH',
      `${where}: the model's regimes ${model.labels.join(', ')} are not all in the configuration (missing ${missing.join(', ')})`,
      {
        hint: `train a model with hmm.n_states ${config.hmm.n_states} (labels ${regimeLabelsFor(config.hmm.n_states).join(', ')}), or add the entries to the config`,
      },
    );
  }
}
