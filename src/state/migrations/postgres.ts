// Numbered schema migrations of the PostgreSQL journal; the same logical schema as sqlite.ts
// (same tables and columns; test/state/migrations.test.ts compares them).

import type { Migration } from './migration.ts';

/** PostgreSQL migrations, ascending by version; never edit a released one, append a new one. */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'init',
    sql: `
CREATE TABLE intents (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  intent_id TEXT NOT NULL UNIQUE,
  custom_tag TEXT NOT NULL UNIQUE,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  qty INTEGER NOT NULL,
  entry_type TEXT NOT NULL,
  entry_price DOUBLE PRECISION,
  stop_price DOUBLE PRECISION,
  target_price DOUBLE PRECISION,
  regime TEXT,
  reason TEXT NOT NULL,
  created_ts_ms BIGINT NOT NULL,
  status TEXT NOT NULL,
  sent_ts_ms BIGINT,
  broker_order_id TEXT,
  reject_reason TEXT,
  filled_qty INTEGER NOT NULL DEFAULT 0,
  updated_ts_ms BIGINT NOT NULL
);
CREATE INDEX intents_status ON intents (status);
CREATE INDEX intents_broker_order_id ON intents (broker_order_id);

CREATE TABLE fills (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fill_id TEXT NOT NULL UNIQUE,
  order_id TEXT NOT NULL,
  intent_id TEXT,
  symbol TEXT NOT NULL,
  ts_ms BIGINT NOT NULL,
  side TEXT NOT NULL,
  qty INTEGER NOT NULL,
  price DOUBLE PRECISION NOT NULL,
  commission_usd DOUBLE PRECISION NOT NULL
);
CREATE INDEX fills_ts_ms ON fills (ts_ms);

CREATE TABLE positions (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  symbol TEXT NOT NULL,
  ts_ms BIGINT NOT NULL,
  qty INTEGER NOT NULL,
  avg_price DOUBLE PRECISION NOT NULL
);
CREATE INDEX positions_symbol ON positions (symbol, seq);

CREATE TABLE trades (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trade_id TEXT NOT NULL UNIQUE,
  trading_date TEXT NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  qty INTEGER NOT NULL,
  entry_ts_ms BIGINT NOT NULL,
  exit_ts_ms BIGINT NOT NULL,
  entry_price DOUBLE PRECISION NOT NULL,
  exit_price DOUBLE PRECISION NOT NULL,
  pnl_usd DOUBLE PRECISION NOT NULL,
  commission_usd DOUBLE PRECISION NOT NULL,
  regime TEXT,
  entry_reason TEXT NOT NULL,
  exit_reason TEXT NOT NULL
);
CREATE INDEX trades_trading_date ON trades (trading_date, exit_ts_ms);

CREATE TABLE end_of_day (
  trading_date TEXT PRIMARY KEY,
  balance_usd DOUBLE PRECISION NOT NULL,
  ts_ms BIGINT NOT NULL
);

CREATE TABLE risk_states (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ts_ms BIGINT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT NOT NULL
);

CREATE TABLE decisions (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  bar_ts_ms BIGINT NOT NULL,
  symbol TEXT NOT NULL,
  regime TEXT NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  probs TEXT NOT NULL,
  decision_code TEXT NOT NULL,
  decision_reason TEXT NOT NULL
);

CREATE TABLE events (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ts_ms BIGINT NOT NULL,
  level TEXT NOT NULL,
  component TEXT NOT NULL,
  message TEXT NOT NULL
);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_ts_ms BIGINT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'writer',
    // Who wrote each row when several machines share the journal: the leader's fencing token and machine
    // id, filled in by the column defaults from the session settings txbot.fencing_token / txbot.machine_id
    // (PostgresJournal.setWriter); NULL for rows written outside a shared session.
    sql: `
ALTER TABLE intents ADD COLUMN fencing_token BIGINT DEFAULT NULLIF(current_setting('txbot.fencing_token', true), '')::BIGINT;
ALTER TABLE intents ADD COLUMN machine_id TEXT DEFAULT NULLIF(current_setting('txbot.machine_id', true), '');
ALTER TABLE trades ADD COLUMN fencing_token BIGINT DEFAULT NULLIF(current_setting('txbot.fencing_token', true), '')::BIGINT;
ALTER TABLE trades ADD COLUMN machine_id TEXT DEFAULT NULLIF(current_setting('txbot.machine_id', true), '');
ALTER TABLE positions ADD COLUMN fencing_token BIGINT DEFAULT NULLIF(current_setting('txbot.fencing_token', true), '')::BIGINT;
ALTER TABLE positions ADD COLUMN machine_id TEXT DEFAULT NULLIF(current_setting('txbot.machine_id', true), '');
ALTER TABLE risk_states ADD COLUMN fencing_token BIGINT DEFAULT NULLIF(current_setting('txbot.fencing_token', true), '')::BIGINT;
ALTER TABLE risk_states ADD COLUMN machine_id TEXT DEFAULT NULLIF(current_setting('txbot.machine_id', true), '');
ALTER TABLE decisions ADD COLUMN fencing_token BIGINT DEFAULT NULLIF(current_setting('txbot.fencing_token', true), '')::BIGINT;
ALTER TABLE decisions ADD COLUMN machine_id TEXT DEFAULT NULLIF(current_setting('txbot.machine_id', true), '');
ALTER TABLE events ADD COLUMN fencing_token BIGINT DEFAULT NULLIF(current_setting('txbot.fencing_token', true), '')::BIGINT;
ALTER TABLE events ADD COLUMN machine_id TEXT DEFAULT NULLIF(current_setting('txbot.machine_id', true), '');
`,
  },
];
