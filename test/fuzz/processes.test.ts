// A handful of the fuzz suite's refusals through real `node bin/txbot.mjs` processes: the exit code the
// shell sees, one error line on stderr, no stack trace, inputs unchanged (the rest of the suite runs in-process).

import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { barsToCsv, generateSyntheticBars } from '../../src/data/index.ts';
import { runCliProcess } from '../support/cliHarness.ts';
import { useTempDir } from '../support/tmp.ts';
import { errorLine, expectCleanRefusal, snapshot } from './fuzzSupport.ts';

const tmp = useTempDir('txbot-fuzz-proc-');

describe('refusals seen by a shell', () => {
  it('give the documented exit codes with one error line and leave every file as it was', async () => {
    const bars = tmp.file('mnq_bars.csv', barsToCsv(generateSyntheticBars({ seed: 1, days: 3 }).series));
    const alias = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdef'.split('').map((n, i) => `${n}: &${n} [${Array(10).fill(`*${'abcdef'[i]}`).join(', ')}]`),
    ];
    const bomb = tmp.file('bomb.yaml', `${alias.join('\n')}\n`);
    const model = tmp.file('model.json', '{"format":"txbot-regime-model","version":1,"hmm":{"n_states":1e9,"n_features":1}}');
    const shop = join(tmp.dir, 'shop.db');
    const db = new Database(shop);
    db.exec('CREATE TABLE orders (id INTEGER)');
    db.close();
    const before = snapshot(tmp.dir);
    const cases: [string[], number, RegExp][] = [
      [['train', '--data', bars, '--out', bars], 2, /--out .*bars\.csv is the same file as --data/],
      [['config', 'check', bomb], 2, /bomb\.yaml: the YAML cannot be expanded safely/],
      [['drift', '--data', bars, '--model', model], 3, /model\.json: hmm\.n_states must be an integer 1\.\.7/],
      [['journal', 'show', '--journal', shop], 5, /shop\.db: not a txbot journal/],
      [['sim-gateway', '--data', bars, '--port', '99999'], 2, /--port must be a port number 0\.\.65535/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCliProcess(args, { cwd: tmp.dir })));
    runs.forEach((r, i) => {
      const [, code, message] = cases[i]!;
      expect(errorLine(expectCleanRefusal(r, [code]))).toMatch(message);
    });
    expect(snapshot(tmp.dir)).toEqual(before);
  });
});
