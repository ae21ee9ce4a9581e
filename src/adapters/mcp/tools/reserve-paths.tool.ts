import { z } from 'zod';
import { MAX_PATTERNS_PER_CALL, MAX_RESERVATION_REASON_CHARS, RESERVATION_TTL_S } from '../../../domain/index.js';
import type { ReservationView } from '../../../application/index.js';
import { defineTool, WRITE } from '../define-tool.js';
import { pathPattern, reservationOut } from '../schemas.js';

/** `@alice (src/app/**: "refactoring") until 2026-01-01T12:00:00.000Z` */
export const heldBy = (r: ReservationView): string =>
  `@${r.holder.handle} (${r.pattern}${r.reason ? `: "${r.reason}"` : ''}) until ${r.expiresAt}`;

export const reservePathsTool = defineTool({
  name: 'reserve_paths',
  group: 'files',
  title: 'Reserve paths',
  description:
    "Reserve files before editing them: while you hold them, other agents' edits and commits there are refused. Paths are globs from the project root (src/app/**). Returns what was granted and, per refused path, who holds it. Again renews.",
  input: {
    paths: z.array(pathPattern).min(1).max(MAX_PATTERNS_PER_CALL),
    ttlSeconds: z.number().int().min(RESERVATION_TTL_S.min).max(RESERVATION_TTL_S.max).optional(),
    exclusive: z.boolean().optional().describe('default true; shared ones coexist'),
    reason: z.string().max(MAX_RESERVATION_REASON_CHARS).optional(),
  },
  output: {
    granted: z.array(reservationOut),
    refused: z.array(z.looseObject({ pattern: z.string(), heldBy: z.array(reservationOut) })),
  },
  annotations: WRITE,
  run: (app, args) => app.reservePaths(args),
  render: (r) =>
    [
      ...r.granted.map((g) => `Reserved ${g.pattern}${g.exclusive ? '' : ' (shared)'} until ${g.expiresAt}`),
      ...r.refused.map(
        (f) =>
          `Refused ${f.pattern}: held by ${f.heldBy.map(heldBy).join(', ')}. Message the holder, wait, or reserve elsewhere.`,
      ),
    ].join('\n'),
});
