// Roll tables: the shared format parses; bad rows are reported with file and line.

import { describe, expect, it } from 'vitest';
import { parseRollTable } from '../../src/data/rollTable.ts';
import { DataError } from '../../src/domain/errors.ts';

const HEADER = 'first_trade_date,from_contract,to_contract,prev_trade_date,compare_minute_et,from_close,to_close,gap_to_minus_from';

describe('parseRollTable', () => {
  it('reads the first contract and each roll with its gap', () => {
    const rows = parseRollTable(
      `${HEADER}\n2020-12-21,,MGCG1,,,,,\n2021-01-28,MGCG1,MGCJ1,2021-01-27,2021-01-27 16:59:00,1841.9,1846.0,4.1\n`,
      'r.csv',
    );
    expect(rows).toEqual([
      { firstTradeDate: '2020-12-21', fromContract: null, toContract: 'MGCG1', gapPts: null },
      { firstTradeDate: '2021-01-28', fromContract: 'MGCG1', toContract: 'MGCJ1', gapPts: 4.1 },
    ]);
  });

  it('names the file and line of a bad row', () => {
    const bad = () => parseRollTable(`${HEADER}\n2021-01-28,MGCG1,MGCJ1,,,,,x\n`, 'r.csv');
    expect(bad).toThrow(DataError);
    expect(bad).toThrow('r.csv line 2: gap_to_minus_from "x" is not a number');
  });

  it('refuses dates out of order and a header that is not a roll table', () => {
    expect(() => parseRollTable(`${HEADER}\n2021-02-01,,A,,,,,\n2021-01-01,A,B,,,,,1\n`, 'r.csv')).toThrow(
      'r.csv line 3: first_trade_date 2021-01-01 is not after 2021-02-01',
    );
    expect(() => parseRollTable('a,b,c\n', 'x.csv')).toThrow('x.csv line 1: not a roll table');
  });
});
