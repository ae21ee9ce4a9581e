import { z } from 'zod';
import {
  ID_PATTERN,
  MAX_PATTERN_CHARS,
  MAX_RESERVATION_REASON_CHARS,
  NAME_PATTERN,
  type PathHolder,
  type Reservation,
  type ReservationEvent,
} from '../../../domain/index.js';
import { proof, type Decodes } from './type-proof.js';

/**
 * zod schemas of the reservation book's stored events (as domain-schemas.ts does for the other
 * aggregates). A pattern is held to its size here; whether it is canonical, and whether the book
 * it makes holds a conflict, the decider's replay rule says.
 */
const time = z.number().finite();
const pattern = z.string().min(1).max(MAX_PATTERN_CHARS);
const reason = z.string().max(MAX_RESERVATION_REASON_CHARS);

const pathHolderSchema = z.object({
  guid: z.string().regex(ID_PATTERN),
  handle: z.string().regex(NAME_PATTERN),
  session: z.string().min(1).max(128).optional(),
});

const reservationSchema = z.object({
  pattern,
  exclusive: z.boolean(),
  holder: pathHolderSchema,
  reason: reason.optional(),
  since: time,
  expiresAt: time,
});

export const reservationEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('PathsReserved'),
    v: z.literal(1),
    holder: pathHolderSchema,
    reservations: z.array(z.object({ pattern, exclusive: z.boolean(), reason: reason.optional(), expiresAt: time })),
    at: time,
  }),
  z.object({
    type: z.literal('ReservationsEnded'),
    v: z.literal(1),
    ended: z.array(z.object({ guid: z.string(), pattern })),
    why: z.enum(['released', 'expired', 'holder-gone', 'deregistered']),
    at: time,
  }),
  z.object({ type: z.literal('BookCompacted'), v: z.literal(1), reservations: z.array(reservationSchema), at: time }),
]);

proof<Decodes<typeof pathHolderSchema, PathHolder>>();
proof<Decodes<typeof reservationSchema, Reservation>>();
proof<Decodes<typeof reservationEventSchema, ReservationEvent>>();
