// Numbered schema migrations of the SQLite journal; the same logical schema as postgres.ts
// (same tables and columns; test/state/migrations.test.ts compares them).

import type { Migration } from './migration.ts';

/** SQLite migrations, ascending by version; never edit a released one, append a new one. */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'init',
    sql: `
CREATE TABLE intents (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  intent_id TEXT NOT NULL UNIQUE,
  custom_tag TEXT NOT NULL UNIQUE,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  qty INTEGER NOT NULL,
  entry_type TEXT NOT NULL,
  entry_price REAL,
  stop_price REAL,
  target_price REAL,
  regime TEXT,
  reason TEXT NOT NULL,
  created_ts_ms INTEGER NOT NULL,
  status TEXT NOT NULL,
  sent_ts_ms INTEGER,
  broker_order_id TEXT,
  reject_reason TEXT,
  filled_qty INTEGER NOT NULL DEFAULT 0,
  updated_ts_ms INTEGER NOT NULL
);
CREATE INDEX intents_status ON intents (status);
CREATE INDEX intents_broker_order_id ON intents (broker_order_id);

CREATE TABLE fills (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  fill_id TEXT NOT NULL UNIQUE,
  order_id TEXT NOT NULL,
  intent_id TEXT,
  symbol TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  side TEXT NOT NULL,
  qty INTEGER NOT NULL,
  price REAL NOT NULL,
  commission_usd REAL NOT NULL
);
CREATE INDEX fills_ts_ms ON fills (ts_ms);

CREATE TABLE positions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  symbol TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  qty INTEGER NOT NULL,
  avg_price REAL NOT NULL
);
CREATE INDEX positions_symbol ON positions (symbol, seq);

CREATE TABLE trades (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  trade_id TEXT NOT NULL UNIQUE,
  trading_date TEXT NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  qty INTEGER NOT NULL,
  entry_ts_ms INTEGER NOT NULL,
  exit_ts_ms INTEGER NOT NULL,
  entry_price REAL NOT NULL,
  exit_price REAL NOT NULL,
  pnl_usd REAL NOT NULL,
  commission_usd REAL NOT NULL,
  regime TEXT,
  entry_reason TEXT NOT NULL,
  exit_reason TEXT NOT NULL
);
CREATE INDEX trades_trading_date ON trades (trading_date, exit_ts_ms);

CREATE TABLE end_of_day (
  trading_date TEXT PRIMARY KEY,
  balance_usd REAL NOT NULL,
  ts_ms INTEGER NOT NULL
);

CREATE TABLE risk_states (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ts_ms INTEGER NOT NULL,
  state TEXT NOT NULL,
  reason TEXT NOT NULL
);

CREATE TABLE decisions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  bar_ts_ms INTEGER NOT NULL,
  symbol TEXT NOT NULL,
  regime TEXT NOT NULL,
  confidence REAL NOT NULL,
  probs TEXT NOT NULL,
  decision_code TEXT NOT NULL,
  decision_reason TEXT NOT NULL
);

CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ts_ms INTEGER NOT NULL,
  level TEXT NOT NULL,
  component TEXT NOT NULL,
  message TEXT NOT NULL
);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_ts_ms INTEGER NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'writer',
    // The same columns as the PostgreSQL journal's (who wrote a row in a shared session); a machine's own
    // SQLite journal leaves them NULL.
    sql: `
ALTER TABLE intents ADD COLUMN fencing_token INTEGER;
ALTER TABLE intents ADD COLUMN machine_id TEXT;
ALTER TABLE trades ADD COLUMN fencing_token INTEGER;
ALTER TABLE trades ADD COLUMN machine_id TEXT;
ALTER TABLE positions ADD COLUMN fencing_token INTEGER;
ALTER TABLE positions ADD COLUMN machine_id TEXT;
ALTER TABLE risk_states ADD COLUMN fencing_token INTEGER;
ALTER TABLE risk_states ADD COLUMN machine_id TEXT;
ALTER TABLE decisions ADD COLUMN fencing_token INTEGER;
ALTER TABLE decisions ADD COLUMN machine_id TEXT;
ALTER TABLE events ADD COLUMN fencing_token INTEGER;
ALTER TABLE events ADD COLUMN machine_id TEXT;
`,
  },
];
