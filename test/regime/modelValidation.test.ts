// Model files that used to be accepted and trade differently (duplicate labels or features, fractional
// windows) or crash (unknown VWAP zone, impossible anchor time, negative windows), and models that
// disagree with the config.

import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/index.ts';
import { ModelError } from '../../src/domain/errors.ts';
import { regimeModelFromJson } from '../../src/regime/index.ts';
import { modelConfigDifferences, requireRegimeTablesCover } from '../../src/regime/modelConfigCheck.ts';
import { barsToCsv, generateSyntheticBars } from '../../src/data/index.ts';
import { runCli } from '../support/cliHarness.ts';
import { FIXTURE_CONFIG, fixtureModel, fixtureModelObject } from '../support/modelFixture.ts';
import { useTempDir } from '../support/tmp.ts';

type Edit = (m: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

function refusal(edit: Edit): string {
  const m = fixtureModelObject();
  edit(m);
  try {
    regimeModelFromJson(JSON.stringify(m), 'models/m.json');
  } catch (e) {
    if (e instanceof ModelError) return e.message;
    throw e;
  }
  throw new Error('the edited model was accepted');
}

describe('model files', () => {
  it('the unedited fixture loads', () => {
    expect(regimeModelFromJson(JSON.stringify(fixtureModelObject()), 'm.json').labels).toHaveLength(5);
  });

  it.each<[string, Edit, RegExp]>([
    [
      'a duplicated label',
      (m) => (m.labels[1] = m.labels[0]),
      /models\/m\.json: labels must be 5 distinct regime labels \(found "STRONG_BULL" listed twice\)/,
    ],
    [
      'a duplicated feature',
      (m) => (m.features.names[1] = 'log_return'),
      /features\.names must be distinct feature names \(found "log_return" listed twice\)/,
    ],
    ['no log_return feature', (m) => (m.features.names[0] = 'volume_ratio'), /features\.names must be a list including log_return/],
    [
      'a fractional realizedVolBars',
      (m) => (m.features.realizedVolBars = 12.5),
      /features\.realizedVolBars must be an integer >= 2 \(bars\) \(found 12\.5\)/,
    ],
    ['a zero realizedVolBars', (m) => (m.features.realizedVolBars = 0), /features\.realizedVolBars must be an integer >= 2/],
    [
      'a negative realizedVolBars',
      (m) => (m.features.realizedVolBars = -3),
      /features\.realizedVolBars must be an integer >= 2 \(bars\) \(found -3\)/,
    ],
    ['a fractional volumeRatioBars', (m) => (m.features.volumeRatioBars = 1.5), /features\.volumeRatioBars must be an integer >= 2/],
    [
      'vwapTimeZone Mars/Base',
      (m) => (m.features.vwapTimeZone = 'Mars/Base'),
      /features\.vwapTimeZone must be a time zone .+ \(found "Mars\/Base"\)/,
    ],
    [
      'vwapAnchorTime 25:61',
      (m) => (m.features.vwapAnchorTime = '25:61'),
      /features\.vwapAnchorTime must be a clock time "HH:MM" \(00:00-23:59\) \(found "25:61"\)/,
    ],
    ['an unknown vwapPriceSource', (m) => (m.features.vwapPriceSource = 'median'), /features\.vwapPriceSource must be one of typical, close, ohlc4/],
    ['a huge n_states', (m) => (m.hmm.n_states = 1e6), /hmm\.n_states must be an integer 1\.\.7 \(found 1000000\)/],
  ])('refuses %s with ModelError naming the field', (_name, edit, message) => {
    expect(refusal(edit)).toMatch(message);
  });

  it('cuts and escapes a long string in the message', () => {
    const msg = refusal((m) => (m.features.vwapTimeZone = `\u0007${'Z'.repeat(5000)}`));
    expect(msg.length).toBeLessThan(400);
    expect(msg).toContain('\\x07');
  });
});

describe('a model against the config', () => {
  it('lists each setting the model and the config disagree on', () => {
    const seven = validateConfig({ hmm: { n_states: 7, realized_vol_bars: 20 }, vwap: { anchor_time: '09:45' } }, 'c');
    const d = modelConfigDifferences(fixtureModel(), seven);
    expect(d).toContain('the model has 5 states but hmm.n_states is 7');
    expect(d).toContain("the model's realized-volatility window is 12 but hmm.realized_vol_bars is 20");
    expect(d).toContain('the model\'s VWAP anchor time is "09:30" but vwap.anchor_time is "09:45"');
    expect(modelConfigDifferences(fixtureModel(), FIXTURE_CONFIG)).toEqual([]);
  });

  it('refuses a model whose labels have no entry in the regime tables', () => {
    const m = { ...fixtureModel(), labels: ['STRONG_BULL', 'SOFT_BULL', 'NEUTRAL', 'BEAR', 'CRASH'] as const };
    const trimmed = structuredClone(FIXTURE_CONFIG);
    delete (trimmed.regime_action as Record<string, unknown>).SOFT_BULL;
    expect(() => requireRegimeTablesCover(fixtureModel(), trimmed, 'm.json')).not.toThrow();
    expect(() => requireRegimeTablesCover(m, trimmed, 'm.json')).toThrow(
      /m\.json: the model's regimes .+ are not all in the configuration \(missing regime_action\.SOFT_BULL/,
    );
  });
});

describe('the CLI with a model that disagrees with the config', () => {
  const tmp = useTempDir('txbot-model-config-');
  const bars = tmp.file('mnq_bars.csv', barsToCsv(generateSyntheticBars({ seed: 4, days: 2 }).series));

  /** The fixture cut down to its first three states (uniform start and transitions). */
  function threeStateModel(): string {
    const m = fixtureModelObject() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    m.hmm.n_states = 3;
    m.hmm.startprob = [1 / 3, 1 / 3, 1 / 3];
    m.hmm.transmat = [0, 1, 2].map(() => [1 / 3, 1 / 3, 1 / 3]);
    m.hmm.means = m.hmm.means.slice(0, 3);
    m.hmm.covars = m.hmm.covars.slice(0, 3);
    m.labels = ['BULL', 'NEUTRAL', 'BEAR'];
    return tmp.file('three.json', JSON.stringify(m));
  }

  it('warns that a 3-state model is used although hmm.n_states is 5 (it used to say nothing)', async () => {
    const r = await runCli(['drift', '--data', bars, '--model', threeStateModel()], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*three\.json: the model has 3 states but hmm\.n_states is 5 \(the model's setting is used\)/);
  });

  it('refuses (exit 3) a model whose regimes the config has no action for', async () => {
    const m = fixtureModelObject() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    m.labels = ['STRONG_BULL', 'SOFT_BULL', 'NEUTRAL', 'BEAR', 'CRASH'];
    const model = tmp.file('soft.json', JSON.stringify(m));
    const action = (direction: string, rule: string) => `{direction: ${direction}, entry_rule: ${rule}, base_size: 1, max_trades_per_session: 1}`;
    const config = tmp.file(
      'five.yaml',
      `regime_action:\n  STRONG_BULL: ${action('long', 'pullback_to_vwap')}\n  BULL: ${action('long', 'pullback_to_vwap')}\n  NEUTRAL: ${action('both', 'fade_bands')}\n  BEAR: ${action('short', 'rally_to_vwap')}\n  CRASH: ${action('flat', 'none')}\n`,
    );
    const r = await runCli(['drift', '--data', bars, '--model', model, '--config', config], { cwd: tmp.dir });
    expect(r.stderr).toMatch(/soft\.json: the model's regimes .+ are not all in the configuration \(missing regime_action\.SOFT_BULL\)/);
    expect(r.code).toBe(3);
  });
});
