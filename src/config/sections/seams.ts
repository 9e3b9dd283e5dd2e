// Config sections that choose a seam's implementation by `kind` (the composition root, src/app/, builds
// the one named): regime source, decision policy, shared risk state. Kinds not built yet are refused by
// `config check` (config/seamKinds.ts) with a message naming what is missing.

import { z } from 'zod';

export const regimeSourceSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('fixed').describe('The loaded model scores every bar.') }),
    z.strictObject({
      kind: z.literal('retraining').describe('Retrain on schedule and on drift (settings under `retrain`; PLUG: retrain_trigger).'),
    }),
  ])
  .default({ kind: 'fixed' })
  .describe('Where the regime of each bar comes from: fixed | retraining.');

export const decisionPolicySchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('rules').describe('The REGIME_ACTION rule table decides.') }),
    z.strictObject({
      kind: z.literal('rl').describe('A trained RL policy decides (PLUG: rl_agent).'),
      policy: z.string().min(1).describe('Policy file written by `txbot rl train`.'),
    }),
  ])
  .default({ kind: 'rules' })
  .describe('Who decides entries: rules | rl.');

export const stateSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('memory').describe('Risk state lives in this process only.') }),
    z.strictObject({
      kind: z.literal('redis').describe('Shared risk state and a leader lease on Redis (PLUG: distributed_state).'),
      url: z.string().min(1).describe('redis:// or rediss:// URL (password from TXBOT_REDIS_PASSWORD, never in the file).'),
      key_prefix: z
        .string()
        .min(1)
        .max(120)
        .regex(/^[A-Za-z0-9:._-]+$/, 'letters, digits and : . _ - only')
        .default('txbot')
        .describe('Prefix of every key (then `:leader`, `:risk`); the machines trading one account share it (one prefix per account).'),
      allow_insecure: z.boolean().default(false).describe('Allow a non-loopback server without TLS or a password.'),
      model_sync_url: z
        .string()
        .min(1)
        .nullable()
        .default(null)
        .describe('postgres:// URL of the shared model store (password from TXBOT_PG_PASSWORD); null = every machine uses its --model file.'),
    }),
  ])
  .default({ kind: 'memory' })
  .describe('Where shared risk state lives: memory | redis.');

export const leaderSchema = z
  .strictObject({
    ttl_ms: z.number().int().min(200).default(10_000).describe('Leader lease time to live (ms).'),
    renew_ms: z.number().int().min(50).default(3_000).describe('The leader renews its lease this often (ms).'),
    poll_ms: z.number().int().min(50).default(1_500).describe('A standby tries to take the lease every poll_ms/2..poll_ms (random, ms).'),
    margin_ms: z.number().int().min(10).default(1_000).describe('The leader stops sending orders this long before its lease could expire (ms).'),
  })
  .prefault({})
  .describe('Leader lease timing when state.kind is redis.');
