import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';

/** A request the dashboard refuses, with the status and the reason it answers. */
export class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'Refused';
  }
}

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];
const ANY = new Set(['0.0.0.0', '::', '[::]']);
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

const bracketed = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/**
 * The Host values the dashboard answers to: loopback, plus the address it was bound to (every
 * address of this machine when bound to all). Any other name is a DNS-rebinding page pointing its
 * own domain at this port, so it is refused.
 */
export function allowedHosts(bindHost: string, port: number): ReadonlySet<string> {
  const names = new Set(LOOPBACK);
  if (ANY.has(bindHost)) {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces()))
      for (const info of list ?? []) names.add(bracketed(info.address.toLowerCase()));
  } else names.add(bracketed(bindHost.toLowerCase()));
  return new Set([...names].map((n) => `${n}:${port}`));
}

/** Refuses a request whose Host is not this dashboard (DNS rebinding). */
export function checkHost(req: IncomingMessage, allowed: ReadonlySet<string>): void {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowed.has(host)) throw new Refused(421, `this dashboard does not answer to host "${host.slice(0, 100)}"`);
}

/**
 * An action must come from the dashboard's own page: same Origin as the Host it asked, and JSON
 * (which a cross-site form cannot send without a preflight this server never grants).
 */
export function checkAction(req: IncomingMessage): void {
  const origin = req.headers.origin;
  if (origin !== `http://${req.headers.host ?? ''}`)
    throw new Refused(403, 'actions are accepted only from the dashboard page itself (Origin mismatch)');
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new Refused(415, 'send the action as application/json');
}

/** The JSON body, at most MAX_BODY_BYTES. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Refused(413, `the request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Refused(400, 'the request body is not valid JSON');
  }
}
