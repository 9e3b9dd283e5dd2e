// Config section of the RL agent's environment (txbot rl train/eval/walkforward and the rl decision policy): sizes, bracket, reward, episodes.

import { z } from 'zod';

export const rlSchema = z
  .strictObject({
    size_small: z.number().int().min(1).default(1).describe('Base contracts of long_small/short_small (the risk manager still sizes and caps).'),
    size_full: z.number().int().min(1).default(2).describe('Base contracts of long_full/short_full (the risk manager still sizes and caps).'),
    target_r_multiple: z
      .number()
      .positive()
      .default(4)
      .describe('Protective bracket target as a multiple of the regime stop (stops.<REGIME>); the agent exits earlier by going flat.'),
    reward: z
      .enum(['realized', 'mark_to_market'])
      .default('realized')
      .describe(
        'realized = net P&L of each closed trade; mark_to_market = the change of equity every bar (dense). Both in units of the daily loss limit.',
      ),
    dll_penalty: z
      .number()
      .min(0)
      .default(1)
      .describe('Coefficient of the daily-limit proximity penalty: minus coef x (day loss / daily loss limit)^2 when a trade closes.'),
    episode_days: z.number().int().min(1).default(1).describe('Trading days per training episode (one fresh account per episode).'),
    warmup_days: z
      .number()
      .int()
      .min(0)
      .default(2)
      .describe('Trading days before an episode fed to the VWAP and the regime filter without deciding.'),
  })
  .prefault({});
