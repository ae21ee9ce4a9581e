/**
 * The one-line JSON exchange between `warp hook` and the MCP server of the same session,
 * over the socket named in the server's session record. Both sides check what they read.
 * Checked by hand, not with zod: a hook starts on every prompt, and loading zod would take
 * a large share of its one-second budget.
 */
export type HookRequest =
  | { readonly ask: 'whoami' }
  | { readonly ask: 'digest'; readonly moment: DigestMomentName }
  /** Who keeps this agent from editing `path` (absolute): exclusive reservations of others covering it. */
  | { readonly ask: 'paths'; readonly path: string };
export type DigestMomentName = 'session-start' | 'prompt' | 'stop';

export interface DigestMessageAnswer {
  readonly id: string;
  readonly from: string;
  readonly text: string;
  readonly channel?: string;
  readonly fromGuid?: string;
}

export interface DigestAnswer {
  readonly agent?: { readonly handle: string; readonly guid: string };
  readonly directMessages: readonly DigestMessageAnswer[];
  readonly mentions: readonly DigestMessageAnswer[];
  readonly offers: ReadonlyArray<{ workItemId: string; capability: string; priority: number; text: string }>;
  readonly online: ReadonlyArray<{ handle: string; agentType: string }>;
  readonly more: number;
}

export interface BlockingReservation {
  readonly pattern: string;
  readonly holder: { readonly handle: string; readonly guid: string };
  readonly reason?: string;
  readonly expiresAt: string;
}

export interface PathsAnswer {
  readonly blocked: readonly BlockingReservation[];
}

export interface WhoamiAnswer {
  readonly handle: string | null;
}

/** Longest line either side reads: a digest is bounded well below it. */
export const MAX_LINE = 256 * 1024;
/** Longest path a hook asks about. */
const MAX_PATH = 4096;

type Check<T> = (value: unknown) => T;

class ProtocolError extends Error {}

const record = (value: unknown): Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ProtocolError('expected an object');
  return value as Record<string, unknown>;
};
const str = (value: unknown): string => {
  if (typeof value !== 'string') throw new ProtocolError('expected a string');
  return value;
};
const num = (value: unknown): number => {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ProtocolError('expected a number');
  return value;
};
const optional =
  <T>(check: Check<T>): Check<T | undefined> =>
  (value) =>
    value === undefined ? undefined : check(value);
const list =
  <T>(check: Check<T>): Check<T[]> =>
  (value) => {
    if (!Array.isArray(value)) throw new ProtocolError('expected a list');
    return value.map(check);
  };
/** Keeps exactly the listed fields, each checked; anything else is dropped. */
const shape =
  <T>(fields: { [K in keyof T]: Check<T[K]> }): Check<T> =>
  (value) => {
    const object = record(value);
    const result: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(fields) as Array<[string, Check<unknown>]>) {
      const checked = check(object[key]);
      if (checked !== undefined) result[key] = checked;
    }
    return result as T;
  };

export const hookRequest: Check<HookRequest> = (value) => {
  const object = record(value);
  if (object['ask'] === 'whoami') return { ask: 'whoami' };
  if (object['ask'] === 'digest' && ['session-start', 'prompt', 'stop'].includes(object['moment'] as string))
    return { ask: 'digest', moment: object['moment'] as DigestMomentName };
  if (object['ask'] === 'paths' && typeof object['path'] === 'string' && object['path'].length <= MAX_PATH)
    return { ask: 'paths', path: object['path'] };
  throw new ProtocolError('unknown request');
};

export const whoamiAnswer: Check<WhoamiAnswer> = (value) => {
  const handle = record(value)['handle'];
  return { handle: handle === null ? null : str(handle) };
};

const message = shape<DigestMessageAnswer>({
  id: str,
  from: str,
  text: str,
  channel: optional(str),
  fromGuid: optional(str),
});

export const digestAnswer: Check<DigestAnswer> = shape<DigestAnswer>({
  agent: optional(shape({ handle: str, guid: str })),
  directMessages: list(message),
  mentions: list(message),
  offers: list(shape({ workItemId: str, capability: str, priority: num, text: str })),
  online: list(shape({ handle: str, agentType: str })),
  more: num,
});

export const pathsAnswer: Check<PathsAnswer> = shape<PathsAnswer>({
  blocked: list(
    shape<BlockingReservation>({
      pattern: str,
      holder: shape({ handle: str, guid: str }),
      reason: optional(str),
      expiresAt: str,
    }),
  ),
});
