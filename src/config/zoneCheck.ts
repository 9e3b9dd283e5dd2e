// Config and option checks of time-zone names: the zones txbot's clock arithmetic understands.

import { z } from 'zod';
import { parseZone } from '../domain/index.ts';

/** What a zone name may be, for messages. */
export const ZONE_EXPECTED = 'America/New_York, America/Chicago, UTC or a fixed offset -12:00..+14:00 like +02:00';

/** Whether `zone` is a time zone txbot can compute with. */
export function isKnownZone(zone: string): boolean {
  return parseZone(zone) !== null;
}

/** A zod string that must name a known zone (fixed offsets beyond ±14:00 and unknown names refused). */
export const knownZoneName = z.string().refine(isKnownZone, { message: `must be a time zone: ${ZONE_EXPECTED}` });
