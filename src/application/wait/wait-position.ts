import { MAX_WAIT_CHANNELS, NAME_PATTERN, ValidationError } from '../../domain/index.js';

/**
 * Where a wait_for_messages answer left off: per channel the last sequence it covered, the
 * newest direct message id and the time of the newest work offer. The next wait passes it
 * back as `since`, so what arrives between two waits is returned by the second.
 * Written as `#general=12,#roadmap=3,dm=45,work=1767225600000`.
 */
export interface WaitPosition {
  readonly channels: ReadonlyMap<string, number>;
  readonly dm?: number;
  readonly work?: number;
}

const PART = /^(?:#([a-z0-9][a-z0-9-]{0,63})|(dm)|(work))=(0|[1-9][0-9]{0,15})$/;
const MAX_PARTS = MAX_WAIT_CHANNELS + 2; // the channels, dm, work

export function parseWaitPosition(text: string): WaitPosition {
  if (text === '') return { channels: new Map() };
  const parts = text.split(',');
  const bad = (why: string): ValidationError =>
    new ValidationError('since', `${why}; pass the "position" of a previous wait_for_messages answer unchanged`);
  if (parts.length > MAX_PARTS) throw bad(`has more than ${MAX_PARTS} parts`);
  const channels = new Map<string, number>();
  let dm: number | undefined;
  let work: number | undefined;
  for (const part of parts) {
    const match = PART.exec(part);
    if (!match) throw bad(`"${part.slice(0, 80)}" is not a position part like #channel=12, dm=3 or work=1700000000000`);
    const value = Number(match[4]);
    if (!Number.isSafeInteger(value)) throw bad(`"${part}" is out of range`);
    if (match[1] !== undefined && NAME_PATTERN.test(match[1])) channels.set(match[1], value);
    else if (match[2]) dm = value;
    else work = value;
  }
  return { channels, ...(dm !== undefined ? { dm } : {}), ...(work !== undefined ? { work } : {}) };
}

export function formatWaitPosition(position: WaitPosition): string {
  return [
    ...[...position.channels].map(([channel, seq]) => `#${channel}=${seq}`),
    ...(position.dm !== undefined ? [`dm=${position.dm}`] : []),
    ...(position.work !== undefined ? [`work=${position.work}`] : []),
  ].join(',');
}
