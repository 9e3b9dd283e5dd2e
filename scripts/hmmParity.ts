// `npm run -s hmm:parity -- FILE...`: runs each reference fixture through our GaussianHmm and prints
// one line per file with the largest relative error per quantity; exits 1 outside the tolerances.

import { readFileSync } from 'node:fs';
import { TxbotError } from '../src/domain/errors.ts';
import { PARITY_TOLERANCES, parseParityFixture, runParity, type ParityReport } from '../src/regime/parity.ts';

const USAGE = `usage: npm run -s hmm:parity -- FILE...
  FILE  a fixture in the format of shared/reference/hmm (see its README)
Prints per file: largest relative error of the EM log-likelihood history, final parameters, score,
Viterbi log-probability, posteriors and filtered probabilities, and the number of Viterbi path
mismatches. Exit 0 when all are within tolerance (probabilities/score ${PARITY_TOLERANCES.score},
EM ${PARITY_TOLERANCES.em}, paths identical), 1 when not, 2 on a bad file or usage.
Example: npm run -s hmm:parity -- ../shared/reference/hmm/*.json`;

const e = (v: number): string => v.toExponential(1);

function line(r: ParityReport): string {
  return (
    `${r.pass ? 'PASS' : 'FAIL'} ${r.name}: em_history=${e(r.loglikHistory)} params=${e(r.params)} score=${e(r.score)} ` +
    `viterbi_logprob=${e(r.viterbiLogProb)} path_mismatches=${r.pathMismatches} posteriors=${e(r.posteriors)} filtered=${e(r.filtered)}`
  );
}

function readFixture(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TxbotError('PARITY_FILE_UNREADABLE', `${file}: cannot read (${(err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TxbotError('PARITY_FIXTURE_INVALID', `${file}: not valid JSON (${(err as Error).message})`);
  }
}

function main(files: string[]): number {
  if (files.length === 0 || files.includes('--help') || files.includes('-h')) {
    process.stderr.write(`${USAGE}\n`);
    return files.length === 0 ? 2 : 0;
  }
  let code = 0;
  for (const file of files) {
    try {
      const r = runParity(parseParityFixture(readFixture(file), file));
      process.stdout.write(`${line(r)}\n`);
      if (!r.pass) code = Math.max(code, 1);
    } catch (err) {
      if (!(err instanceof TxbotError)) throw err;
      process.stderr.write(`hmm:parity: ${err.message}\n`);
      code = 2;
    }
  }
  return code;
}

process.exitCode = main(process.argv.slice(2));
