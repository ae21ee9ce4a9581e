import { Surfaced } from '../../application/index.js';
import type { SurfacedWire } from './hub-protocol.js';

/** The digest's memory as plain data: the session keeps it, the hub that answers updates it. */
export const surfacedToWire = (s: Surfaced): SurfacedWire => ({
  dm: s.dm,
  channels: [...s.channels],
  work: [...s.work],
  online: s.online ? [...s.online] : null,
});

export function surfacedFromWire(wire: SurfacedWire, into: Surfaced = new Surfaced()): Surfaced {
  into.dm = wire.dm;
  into.channels.clear();
  for (const [channel, sequence] of wire.channels) into.channels.set(channel, sequence);
  into.work.clear();
  for (const id of wire.work) into.work.add(id);
  into.online = wire.online ? new Set(wire.online) : undefined;
  return into;
}
