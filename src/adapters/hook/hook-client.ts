import { connect } from 'node:net';
import { liveSessionRecords, recordOfMyHost, type SessionRecord } from '../system/session-records.js';
import { MAX_LINE, whoamiAnswer, type HookRequest } from './hook-protocol.js';

/** Sends one request to a session's endpoint and validates the one-line answer; rejects after `timeoutMs`. */
export function ask<T>(
  socket: string,
  request: HookRequest,
  check: (value: unknown) => T,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const connection = connect(socket);
    let buffer = '';
    connection.setEncoding('utf8');
    connection.setTimeout(timeoutMs, () => connection.destroy(new Error('no answer in time')));
    connection.on('error', reject);
    connection.on('connect', () => connection.write(`${JSON.stringify(request)}\n`));
    connection.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_LINE) connection.destroy(new Error('answer too long'));
    });
    connection.on('end', () => {
      try {
        resolve(check(JSON.parse(buffer.trim())));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/**
 * The session a hook belongs to: the live one whose agent has `handle` when given, else the
 * one that the hook's own host process (Claude Code) started.
 */
export async function findSession(
  dir: string,
  handle: string | undefined,
  timeoutMs: number,
): Promise<SessionRecord | undefined> {
  if (handle === undefined) return recordOfMyHost(dir);
  const records = liveSessionRecords(dir);
  const names = await Promise.all(
    records.map((r) => ask(r.socket, { ask: 'whoami' }, whoamiAnswer, timeoutMs).catch(() => undefined)),
  );
  return records.find((_, i) => names[i]?.handle === handle);
}
