// Parity with the reference HMM fixtures in shared/reference/hmm, through the library and the
// `hmm:parity` command; fixture-shape validation on hand-written bad files.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/domain/errors.ts';
import { parseParityFixture, runParity } from '../../src/regime/parity.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the cases below mutate raw fixture JSON of any shape
type RawJson = any;

const repoRoot = resolve(import.meta.dirname, '../..');
const refDir = resolve(repoRoot, '../shared/reference/hmm');
const haveRef = existsSync(refDir);
const fixtures = haveRef
  ? readdirSync(refDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(refDir, f))
  : [];

describe.skipIf(!haveRef)('HMM parity with shared/reference/hmm (skipped: folder absent)', () => {
  it('finds the four shared fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
  });

  it.each(fixtures)('%s is within the README tolerances', (file) => {
    const r = runParity(parseParityFixture(JSON.parse(readFileSync(file, 'utf8')), file));
    expect(r.pathMismatches).toBe(0);
    expect(r.score).toBeLessThanOrEqual(1e-9);
    expect(r.viterbiLogProb).toBeLessThanOrEqual(1e-9);
    expect(r.posteriors).toBeLessThanOrEqual(1e-9);
    expect(r.filtered).toBeLessThanOrEqual(1e-9);
    expect(r.loglikHistory).toBeLessThanOrEqual(1e-6);
    expect(r.params).toBeLessThanOrEqual(1e-6);
    expect(r.pass).toBe(true);
  });

  it.each([
    ['from the sources (tsx)', ['npx', 'tsx', 'scripts/hmmParity.ts']],
    ['from the built bundle (npm run hmm:parity)', [process.execPath, 'scripts/runBuilt.mjs', 'hmmParity']],
  ])('the hmm:parity command passes on all shared fixtures %s (exit 0, one PASS line each)', (_how, cmd) => {
    const stdout = execFileSync(cmd[0]!, [...cmd.slice(1), ...fixtures], { cwd: repoRoot, encoding: 'utf8' });
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBe(fixtures.length);
    expect(lines.every((l) => l.startsWith('PASS '))).toBe(true);
  });

  it('the command exits 1 when a fixture disagrees (a perturbed expected score)', () => {
    const j = JSON.parse(readFileSync(fixtures[0], 'utf8'));
    j.expected.score *= 1 + 1e-6;
    const dir = mkdtempSync(join(tmpdir(), 'txbot-parity-'));
    const file = join(dir, 'perturbed.json');
    writeFileSync(file, JSON.stringify(j));
    const r = spawnSync('npx', ['tsx', 'scripts/hmmParity.ts', file], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout.startsWith('FAIL ')).toBe(true);
  });
});

describe('parity fixture validation', () => {
  const minimal = () => ({
    name: 'tiny',
    n_states: 1,
    n_features: 1,
    covariance_type: 'diag',
    X: [[0.1], [0.2]],
    lengths: [2],
    em: { n_iter: 1, covars_prior: 0.01, covars_weight: 1 },
    init: { startprob: [1], transmat: [[1]], means: [[0]], covars: [[1]] },
    expected: {
      loglik_history: [0],
      startprob: [1],
      transmat: [[1]],
      means: [[0.15]],
      covars: [[0.01]],
      score: 0,
      viterbi_logprob: 0,
      viterbi_path: [0, 0],
      posteriors: [[1], [1]],
      filtered: [[1], [1]],
    },
  });

  it('accepts a well-formed fixture of any size', () => {
    const f = parseParityFixture(minimal(), 'tiny.json');
    expect(f.X.length).toBe(2);
    expect(runParity(f).pathMismatches).toBe(0);
  });

  it.each([
    ['covariance_type', (j: RawJson) => (j.covariance_type = 'tied'), /covariance_type must be "diag" or "full"/],
    ['a short X row', (j: RawJson) => (j.X[1] = []), /X\[1\] must be an array of 1/],
    ['lengths not summing to T', (j: RawJson) => (j.lengths = [3]), /lengths must be summing to 2/],
    ['missing expected.score', (j: RawJson) => delete j.expected.score, /expected.score must be a finite number \(found nothing\)/],
    ['a wrong transmat shape', (j: RawJson) => (j.init.transmat = [1]), /init.transmat\[0\] must be an array of 1/],
  ])('rejects %s with a DataError naming the field', (_name, mutate, message) => {
    const j = minimal();
    mutate(j);
    expect(() => parseParityFixture(j, 'bad.json')).toThrow(DataError);
    expect(() => parseParityFixture(j, 'bad.json')).toThrow(message);
  });
});
