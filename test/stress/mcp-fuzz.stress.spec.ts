import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_OPS } from '../../src/adapters/hub/hub-protocol.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { BIN, StdioAgent } from '../support/stdio-agent.js';

/**
 * Fuzzes every listed tool of the built server, over real MCP stdio clients and a real
 * nats-server: wrong types, huge and hostile strings, wildcards and separators in names,
 * deep and oversized objects, mixed with valid-looking values so that many calls succeed.
 * Every call must be answered (a result, or isError with a clear message), the servers must
 * stay up, and nothing Warp leaves in NATS (streams, subjects, KV keys, consumers,
 * subscriptions) may fall outside Warp's naming scheme.
 */

const NS = 'fuzz';
/** × 27 tools = 270 calls, a few seconds; FUZZ_RUNS=<n> runs a longer hunt. */
const RUNS_PER_TOOL = Number(process.env.FUZZ_RUNS ?? 10);
const CALL_TIMEOUT_MS = 20_000;
const ZERO_ID = '00000000-0000-0000-0000-000000000000';

// ---------- the naming scheme Warp must keep to (src/adapters/nats/nats-names.ts, src/domain/shared/names.ts) ----------
const NAME = '[a-z0-9][a-z0-9-]{0,63}';
const ID = '[a-z0-9][a-z0-9-]{0,63}';
const STREAM_NAME = new RegExp(
  `^(WARP_EV_${NS}_(agent|channel|work|reservation)|WARP_INBOX|WARP_CHECKPOINTS|KV_warp-registry|KV_warp-cursors|KV_warp-purged|WARP_CH_${NS}_${NAME})$`,
);
const STORED_SUBJECT = [
  new RegExp(`^warp\\.ev\\.${NS}\\.(agent|work|channel)\\.${ID}$`),
  // A project's reservation book: one aggregate per project (ADR 0036).
  new RegExp(`^warp\\.ev\\.${NS}\\.reservation\\.book$`),
  new RegExp(`^warp\\.inbox\\.${ID}$`),
  new RegExp(`^warp\\.ch\\.${NS}\\.${NAME}$`),
  new RegExp(`^\\$KV\\.warp-registry\\.${ID}$`),
  new RegExp(`^\\$KV\\.warp-cursors\\.${NS}\\.${ID}\\.${NAME}$`),
  new RegExp(`^\\$KV\\.warp-purged\\.${NS}\\.${ID}$`),
  new RegExp(`^warp\\.cp\\.${NS}\\.${ID}$`),
];
const REGISTRY_KEY = new RegExp(`^${ID}$`);
const CURSOR_KEY = new RegExp(`^${NS}\\.${ID}\\.${NAME}$`);
/** Any subject Warp subscribes or filters on: ASCII tokens, never empty, wildcards only as whole tokens. */
const WELL_FORMED_SUBJECT = /^(?:[A-Za-z0-9_$-]+|\*)(?:\.(?:[A-Za-z0-9_$-]+|\*))*(?:\.>)?$|^>$/;
/** Warp's live-notice subscriptions, and the streams' own interest in their subjects. */
const WARP_SUBSCRIPTION = [
  new RegExp(`^warp\\.notify\\.${NS}\\.ch\\.\\*$`),
  new RegExp(`^warp\\.notify\\.dm\\.${ID}$`),
  // New work offers, announced by the hub (ADR 0024).
  new RegExp(`^warp\\.notify\\.${NS}\\.work$`),
  new RegExp(`^warp\\.ev\\.${NS}\\.(agent|channel|work|reservation)\\.>$`),
  /^warp\.inbox\.\*$/,
  /^warp\.cp\.>$/,
  new RegExp(`^warp\\.ch\\.${NS}\\.${NAME}$`),
  // The hub's endpoints: one per operation, for any namespace and caller.
  new RegExp(`^warp\\.hub\\.(${HUB_OPS.join('|')})\\.\\*\\.\\*$`),
  // Requests other hubs pass a hub for the projects it decides, and sessions send it straight (ADR 0038).
  /^warp\.hub\.fwd\.[A-Za-z0-9]+\.>$/,
  /^warp\.hub\.to\.[A-Za-z0-9]+\.>$/,
];

// ---------- adversarial values ----------
const HUGE = [65_537, 70_000, 100_000, 150_000];
const NASTY_STRINGS = [
  '',
  ' ',
  '>',
  '*',
  '.',
  '..',
  'a.b',
  'a..b',
  '.a',
  'a.',
  'a b',
  'a\tb',
  '$JS',
  '$SYS',
  '$KV',
  '$JS.API.>',
  'a>b',
  'a*b',
  'ok>',
  '*.*',
  'warp.ev.>',
  'fuzz.>',
  '\u0000',
  'a\u0000b',
  'nul\u0000',
  '\u202Eevil',
  'مرحبا',
  'שלום',
  '🚀',
  '👩‍👩‍👧‍👦',
  'ä',
  'İ',
  'ß',
  'ﬁ',
  '\uD800',
  'a\uDFFFb',
  '\n',
  'a\r\nb',
  'A',
  'Ok',
  '-a',
  'a-',
  '_a',
  'a_b',
  '0',
  'a'.repeat(64),
  'a'.repeat(65),
  'x'.repeat(257),
  '__proto__',
  'constructor',
  'toString',
  'undefined',
  'null',
  'NaN',
  '-1',
  '1e400',
  '9'.repeat(20),
  '0x10',
  '1.5',
  '2001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  'T',
  '%00',
  '%2E',
  '<script>',
  "'; DROP TABLE x; --",
];

const hugeString = fc
  .tuple(fc.constantFrom(...HUGE), fc.constantFrom('x', '🚀', 'é', '>', '.', ' ', 'a.b '))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / Buffer.byteLength(unit))));
const nastyString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.constantFrom('a', '-', '_', '.', '>', '*', ' ', '$', '\u0000', 'Z', '9'),
      maxLength: 70,
    }),
  },
  { weight: 1, arbitrary: hugeString },
);
const weirdNumber = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    1,
    0.5,
    -0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 31,
    101,
    1001,
    30_001,
    60_001,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
  fc.integer(),
  fc.double(),
);
const deepObject = fc.constantFrom(10, 63, 64, 100, 1_000, 3_000).map((depth) => {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
});
const deepArray = fc.constantFrom(10, 100, 1_000).map((depth) => {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
});
const bigObject = fc.oneof(
  fc.constantFrom(17_000, 70_000, 120_000).map((n) => ({ blob: 'y'.repeat(n) })),
  fc.constantFrom(2_000, 20_000).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
);
const smallJson = fc.dictionary(
  fc.oneof(fc.constantFrom('__proto__', 'constructor', '>', '.', '', '🚀', 'a\u0000b'), fc.string({ maxLength: 8 })),
  fc.jsonValue({ maxDepth: 3 }),
  { maxKeys: 4 },
);
const adversarial: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: nastyString },
  { weight: 2, arbitrary: weirdNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.oneof(nastyString, weirdNumber, fc.constant(null)), { maxLength: 70 }) },
  { weight: 2, arbitrary: smallJson },
  { weight: 1, arbitrary: deepObject },
  { weight: 1, arbitrary: deepArray },
  { weight: 1, arbitrary: bigObject },
);

// ---------- valid-looking values: ids are placeholders resolved at call time from what the servers returned ----------
type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
};
const CHANNELS = ['roadmap', 'errors', 'parallel-work', 'fuzz-ch', 'fuzz-ch-2'];
const CAPS = ['ok', 'fuzz_cap', 'typescript'];
const ref = (what: 'work' | 'held' | 'dead' | 'agent' | 'peer' | 'msg') => `@@${what}`;

const DEFAULT_MAX_MESSAGE_BYTES = 65_536;
/** Agent B runs with WARP_MAX_MESSAGE_BYTES at its maximum (src/adapters/config/env.ts), where JSON escaping can outgrow NATS's max_payload. */
const B_MAX_MESSAGE_BYTES = 1_048_576;
/** Byte limits of the other free-text fields (README "Limits"; src/application/*), per tool and property. */
const TEXT_LIMITS: Record<string, number> = {
  'broadcast_work_offer.taskId': 256,
  'report_work_progress.message': 4_096,
  'fail_work.error': 4_096,
  'complete_work.summary': 4_096,
  'create_channel.description': 1_024,
};
/**
 * Text exactly at the limit (or one unit over): plain, and made of characters that grow when
 * JSON-encoded (NUL and quotes to 6 and 2 bytes, a lone surrogate to 6) or take 4 bytes in UTF-8.
 */
const atLimit = (bytes: number): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(['x', 1], ['\u0000', 1], ['"', 1], ['\\', 1], ['🚀', 4], ['\uD800', 3], ['é', 2]) as fc.Arbitrary<
        [string, number]
      >,
      fc.constantFrom(0, 0, 0, 1),
    )
    .map(([[unit, size], over]) => unit.repeat(Math.floor(bytes / size) + over));

const MESSAGE_FIELDS = new Set([
  'send_message.message',
  'send_direct_message.message',
  'broadcast_work_offer.description',
]);

function validish(tool: string, prop: string, schema: JsonSchema, maxMessageBytes: number): fc.Arbitrary<unknown> {
  const limit = MESSAGE_FIELDS.has(`${tool}.${prop}`) ? maxMessageBytes : TEXT_LIMITS[`${tool}.${prop}`];
  if (limit !== undefined)
    return fc.oneof(
      { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
      { weight: 1, arbitrary: atLimit(limit) },
    );
  switch (prop) {
    case 'channel':
      return fc.constantFrom(...CHANNELS);
    case 'name':
      return fc.oneof(fc.constantFrom(...CHANNELS), fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,63}$/)); // create_channel: known or new
    case 'channels':
      return fc.subarray(CHANNELS);
    case 'handle':
      return fc.constantFrom('fuzzer', 'fuzz-b', 'roadmap', '0');
    case 'capability':
    case 'requiredCapability':
    case 'messageType':
      return fc.constantFrom(...CAPS);
    case 'capabilities':
      return fc.subarray(CAPS);
    case 'workItemId':
      return fc.constantFrom(ref('held'), ref('held'), ref('work'), ZERO_ID);
    case 'itemId':
      return fc.constantFrom(ref('dead'), ref('dead'), ref('work'), ZERO_ID);
    case 'guid':
    case 'recipientGuid':
    case 'senderGuid':
      return fc.constantFrom(ref('agent'), ref('peer'), ZERO_ID);
    case 'replyTo':
    case 'before':
    case 'after':
      return fc.constantFrom(ref('msg'), ref('msg'), '1', '9999999', '9007199254740993', '9999999999999999');
    case 'timeout':
      return fc.integer({ min: 100, max: 150 });
    case 'timeoutMs':
      return fc.integer({ min: 0, max: 100 });
    case 'deadline':
      return fc.constantFrom('2999-01-01T00:00:00Z', '2001-01-01T00:00:00Z');
    case 'maxAge':
      return fc.constantFrom('7d', '12h', 60_000);
    case 'idempotencyKey':
      return fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/);
    case 'contextData':
    case 'metadata':
      return smallJson;
    case 'result':
      return fc.oneof(fc.string({ maxLength: 30 }), smallJson);
    default:
      break;
  }
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : (schema.type ?? schema.anyOf?.[0]?.type);
  switch (type) {
    case 'string':
      return fc.string({ minLength: 1, maxLength: 30 });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1_000, 1_000) });
    case 'number':
      return fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 1_000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validish(tool, '', schema.items ?? {}, maxMessageBytes), { maxLength: 3 });
    case 'object':
      return smallJson;
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * Arguments for one tool: all valid-looking (so calls succeed), valid but for one adversarial
 * property, every property a coin toss between the two, or with stray keys.
 */
function argsFor(tool: Tool, maxMessageBytes: number): fc.Arbitrary<Record<string, unknown>> {
  const props = (tool.inputSchema.properties ?? {}) as Record<string, JsonSchema>;
  const names = Object.keys(props);
  const required = tool.inputSchema.required ?? [];
  const valid = fc.record(
    Object.fromEntries(names.map((p) => [p, validish(tool.name, p, props[p]!, maxMessageBytes)])),
    { requiredKeys: required },
  ) as fc.Arbitrary<Record<string, unknown>>;
  const oneBad =
    names.length === 0
      ? valid
      : fc.tuple(valid, fc.constantFrom(...names), adversarial).map(([args, prop, bad]) => ({ ...args, [prop]: bad }));
  const mixed = fc.record(
    Object.fromEntries(
      names.map((p) => [p, fc.oneof(validish(tool.name, p, props[p]!, maxMessageBytes), adversarial)]),
    ),
    { requiredKeys: [] },
  ) as fc.Arbitrary<Record<string, unknown>>;
  const stray = fc.dictionary(fc.oneof(nastyString, fc.constantFrom(...names, 'extra')), adversarial, { maxKeys: 2 });
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 3, arbitrary: oneBad },
    { weight: 2, arbitrary: mixed },
    { weight: 1, arbitrary: fc.tuple(valid, stray).map(([v, s]) => ({ ...s, ...v })) },
    { weight: 1, arbitrary: stray },
  );
}

/**
 * A minimal hand-written MCP client: JSON-RPC lines straight into the server's stdin. It sends
 * JSON text that no JavaScript client can produce, because JSON.stringify itself overflows the
 * stack on it (nesting 100 000 deep); answers come back by id.
 */
async function rawCalls(
  env: Record<string, string>,
  calls: Array<{ name: string; argumentsJson: string }>,
): Promise<Array<{ isError?: boolean; text: string }>> {
  const child = spawn(process.execPath, [BIN], {
    env: { ...process.env, LOG_LEVEL: 'WARN', ...env },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  try {
    const answers = new Map<
      number,
      (m: { result?: { isError?: boolean; content?: Array<{ text?: string }> }; error?: { message: string } }) => void
    >();
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const message = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        answers.get(message.id)?.(message);
      }
    });
    // A server that dies fails the pending request instead of leaving it waiting.
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal})`))),
    );
    exited.catch(() => undefined);
    let nextId = 0;
    const request = (method: string, paramsJson: string) =>
      Promise.race([
        exited,
        new Promise<Parameters<NonNullable<ReturnType<typeof answers.get>>>[0]>((resolve) => {
          const id = ++nextId;
          answers.set(id, resolve);
          child.stdin.write(`{"jsonrpc":"2.0","id":${id},"method":"${method}","params":${paramsJson}}\n`);
        }),
      ]);
    await request(
      'initialize',
      JSON.stringify({
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'raw-fuzz', version: '1' },
      }),
    );
    child.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    const results = [];
    for (const call of calls) {
      const answer = await request(
        'tools/call',
        `{"name":${JSON.stringify(call.name)},"arguments":${call.argumentsJson}}`,
      );
      const text = answer.error?.message ?? (answer.result?.content ?? []).map((c) => c.text ?? '').join(' ');
      results.push({ isError: answer.error ? true : answer.result?.isError, text });
    }
    return results;
  } finally {
    child.kill();
  }
}

// ---------- answers ----------
type Answer =
  | { kind: 'ok'; structured: Record<string, unknown> }
  | { kind: 'error'; text: string }
  | { kind: 'protocol'; text: string };

/** A message an agent can act on: says something, no stack trace, no bare "undefined", no echo of a huge input. */
function expectClear(tool: string, args: unknown, text: string): void {
  const where = `${tool} ${JSON.stringify(args)?.slice(0, 300)} → ${JSON.stringify(text.slice(0, 500))}`;
  expect(text.trim().length, where).toBeGreaterThan(0);
  expect(text, where).not.toMatch(/\n\s+at\s.+:\d+:\d+/); // a stack frame
  expect(text, where).not.toMatch(
    /^(undefined|null|\[object Object\])$|Internal error: (undefined|null|\[object Object\])?\s*$/,
  );
  expect(text, where).not.toMatch(/\[object Object\]/);
  expect(text.length, where).toBeLessThan(8_192);
}

describe('MCP tools under fuzzed input (built server, real nats-server)', () => {
  let server: NatsServerHandle;
  let a: StdioAgent;
  let b: StdioAgent;
  let tools: Tool[];
  const ids = {
    work: [] as string[],
    dead: [] as string[],
    held: { agent: [] as string[], peer: [] as string[] },
    agent: '',
    peer: '',
    msg: [] as string[],
  };
  const outcomes = new Map<string, { ok: number; error: number; protocol: number }>();
  const internal: string[] = [];

  beforeAll(async () => {
    server = await startNatsServer();
    const env = { NATS_URL: server.url, WARP_NAMESPACE: NS, WORKQUEUE_ACK_TIMEOUT: '60000' };
    [a, b] = await Promise.all([
      StdioAgent.start(env),
      StdioAgent.start({ ...env, WARP_MAX_MESSAGE_BYTES: String(B_MAX_MESSAGE_BYTES) }),
    ]);
    ids.agent = (await a.call('register_agent', { agentType: 'fuzzer', capabilities: CAPS })).agent.guid;
    ids.peer = (await b.call('register_agent', { agentType: 'fuzz-b', capabilities: CAPS })).agent.guid;
    ids.msg.push((await a.call('send_message', { channel: 'roadmap', message: 'seed' })).message.id);
    for (const taskId of ['seed-1', 'seed-2', 'seed-3', 'seed-4']) {
      ids.work.push(
        (await a.call('broadcast_work_offer', { taskId, description: 'seed', requiredCapability: 'ok' })).workItem
          .workItemId,
      );
    }
    // One dead letter to start with, so that the DLQ tools have something to act on.
    const doomed = (await b.call('claim_work', { capability: 'ok', timeout: 1_000 })).workItem.workItemId;
    ids.dead.push(
      (await b.call('fail_work', { workItemId: doomed, error: 'seed', retryable: false })).workItem.workItemId,
    );
    await a.call('create_channel', { name: 'fuzz-ch' });
    tools = (await a.client.listTools()).tools;
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await server?.dispose();
  });

  const pick = <T>(list: readonly T[], seed: number): T => list[seed % list.length]!;
  /** Replaces "@@work"-style placeholders (anywhere in the arguments) with ids the servers returned. */
  function resolve(value: unknown, seed: number, who: 'agent' | 'peer'): unknown {
    if (typeof value === 'string' && value.startsWith('@@')) {
      const what = value.slice(2);
      if (what === 'work') return pick(ids.work, seed);
      if (what === 'held') return pick(ids.held[who].length ? ids.held[who] : ids.work, seed);
      if (what === 'dead') return pick(ids.dead.length ? ids.dead : ids.work, seed);
      if (what === 'msg') return pick(ids.msg, seed);
      if (what === 'agent') return ids.agent;
      if (what === 'peer') return ids.peer;
    }
    if (Array.isArray(value)) return value.map((v) => resolve(v, seed, who));
    return value;
  }

  /**
   * Keeps blocking tools short: a valid wait (or an absent one, which means the long default)
   * becomes ~100 ms; invalid values are left alone so that they are still rejected.
   */
  function bounded(tool: string, args: Record<string, unknown>): Record<string, unknown> {
    const field = tool === 'wait_for_messages' ? 'timeoutMs' : tool === 'claim_work' ? 'timeout' : undefined;
    if (!field) return args;
    const value = args[field];
    const valid =
      typeof value === 'number' &&
      Number.isInteger(value) &&
      value >= (field === 'timeout' ? 100 : 0) &&
      value <= 60_000;
    if (value === undefined || valid)
      return { ...args, [field]: Math.min((value as number | undefined) ?? 100, field === 'timeout' ? 150 : 100) };
    return args;
  }

  async function reRegister(agent: StdioAgent, which: 'agent' | 'peer'): Promise<void> {
    ids[which] = (
      await agent.call('register_agent', { agentType: which === 'agent' ? 'fuzzer' : 'fuzz-b', capabilities: CAPS })
    ).agent.guid;
  }

  function remember(structured: Record<string, unknown>, tool: string, who: 'agent' | 'peer'): void {
    const item = structured.workItem as { workItemId?: string; status?: string } | undefined;
    if (item?.workItemId && !ids.work.includes(item.workItemId)) ids.work.push(item.workItemId);
    if (item?.workItemId && tool === 'claim_work') ids.held[who].push(item.workItemId);
    if (item?.workItemId && item.status === 'dead-lettered' && !ids.dead.includes(item.workItemId))
      ids.dead.push(item.workItemId);
    // Keep the held and dead lists current, so that "@@held" and "@@dead" mostly name items the tools can act on.
    const drop = (list: string[], id: string | undefined): void => {
      const at = id === undefined ? -1 : list.indexOf(id);
      if (at >= 0) list.splice(at, 1);
    };
    if (tool === 'complete_work' || tool === 'fail_work') drop(ids.held[who], item?.workItemId);
    if (tool === 'retry_dead_letter_item') drop(ids.dead, item?.workItemId);
    if (tool === 'discard_dead_letter_item') drop(ids.dead, structured.itemId as string | undefined);
    const message = structured.message as { id?: string } | undefined;
    if (message?.id && /^\d+$/.test(message.id)) ids.msg.push(message.id);
  }

  async function call(agent: StdioAgent, tool: string, args: unknown): Promise<Answer> {
    let result;
    try {
      result = await agent.client.callTool({ name: tool, arguments: args as Record<string, unknown> }, undefined, {
        timeout: CALL_TIMEOUT_MS,
      });
    } catch (error) {
      // A JSON-RPC error: only acceptable when the arguments are not an object (the protocol rejects them before Warp sees them).
      return { kind: 'protocol', text: error instanceof Error ? error.message : String(error) };
    }
    if (result.isError) {
      const text = (result.content as Array<{ type: string; text?: string }>).map((c) => c.text ?? '').join(' ');
      return { kind: 'error', text };
    }
    expect(result.structuredContent, `${tool} succeeded without structured content`).toBeTypeOf('object');
    return { kind: 'ok', structured: result.structuredContent as Record<string, unknown> };
  }

  function tally(tool: string, kind: Answer['kind']): void {
    const row = outcomes.get(tool) ?? { ok: 0, error: 0, protocol: 0 };
    row[kind]++;
    outcomes.set(tool, row);
  }

  it('every tool answers every fuzzed call, clearly', async () => {
    expect(tools.length).toBe(27);
    for (const tool of tools) {
      await fc.assert(
        fc.asyncProperty(
          fc
            .boolean()
            .chain((useB) =>
              fc.tuple(fc.constant(useB), argsFor(tool, useB ? B_MAX_MESSAGE_BYTES : DEFAULT_MAX_MESSAGE_BYTES)),
            ),
          fc.nat(),
          async ([useB, rawArgs], seed) => {
            const who = useB ? 'peer' : 'agent';
            const args = bounded(
              tool.name,
              Object.fromEntries(Object.entries(rawArgs).map(([k, v]) => [k, resolve(v, seed, who)])),
            );
            const answer = await call(useB ? b : a, tool.name, args);
            tally(tool.name, answer.kind);
            if (answer.kind === 'protocol')
              expect.fail(
                `${tool.name} ${JSON.stringify(args).slice(0, 300)} was not answered by the tool: ${answer.text}`,
              );
            if (process.env.FUZZ_LOG)
              console.log(
                tool.name,
                JSON.stringify(args).slice(0, 160),
                '→',
                answer.kind,
                answer.kind === 'ok' ? '' : answer.text.slice(0, 300),
              );
            if (answer.kind === 'error') {
              expectClear(tool.name, args, answer.text);
              if (/^Internal error/.test(answer.text)) internal.push(`${tool.name}: ${answer.text.slice(0, 200)}`);
            } else {
              remember(answer.structured, tool.name, who);
              // Keep both sessions registered with every capability, so later calls can succeed.
              if (['set_handle', 'register_agent', 'update_presence', 'deregister_agent'].includes(tool.name))
                await reRegister(useB ? b : a, who);
            }
          },
        ),
        { numRuns: RUNS_PER_TOOL },
      );
    }
    // Arguments that are not an object at all are refused by the protocol layer, with a message.
    for (const args of [[1, 2], 'text', 42, null, true]) {
      const answer = await call(a, 'send_message', args);
      if (answer.kind === 'ok') expect.fail(`send_message accepted ${JSON.stringify(args)}`);
      expectClear('send_message', args, answer.text);
    }
    // Unexpected exceptions are a bug even when their message is tidy.
    expect(internal).toEqual([]);
    // The mix reached both sides: some calls of the tools that need ids or registration succeeded too.
    const totals = [...outcomes.values()].reduce((t, r) => ({ ok: t.ok + r.ok, error: t.error + r.error }), {
      ok: 0,
      error: 0,
    });
    expect(totals.ok).toBeGreaterThan(10);
    expect(totals.error).toBeGreaterThan(10);
  }, 60_000);

  it('JSON nested far deeper than any JS client can serialise is refused with a clear message', async () => {
    const deepObjectJson = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const deepArrayJson = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const calls = [5_000, 100_000].flatMap((depth) => [
      { name: 'register_agent', argumentsJson: '{"agentType":"raw-fuzzer","capabilities":["ok"]}' },
      {
        name: 'broadcast_work_offer',
        argumentsJson: `{"taskId":"deep-${depth}","description":"d","requiredCapability":"ok","contextData":${deepObjectJson(depth)}}`,
      },
      {
        name: 'send_direct_message',
        argumentsJson: `{"recipientGuid":"${ZERO_ID}","message":"m","metadata":{"a":${deepArrayJson(depth)}}}`,
      },
      { name: 'complete_work', argumentsJson: `{"workItemId":"${ZERO_ID}","result":${deepObjectJson(depth)}}` },
      { name: 'send_message', argumentsJson: `{"channel":"roadmap","message":${deepArrayJson(depth)}}` },
      { name: 'get_my_handle', argumentsJson: '{}' },
    ]);
    const answers = await rawCalls({ NATS_URL: server.url, WARP_NAMESPACE: NS }, calls);
    answers.forEach((answer, i) => {
      const { name } = calls[i]!;
      if (name === 'register_agent' || name === 'get_my_handle')
        return expect(answer.isError, `${name}: ${answer.text}`).toBeFalsy();
      expect(answer.isError, name).toBe(true);
      expectClear(name, '(deep)', answer.text);
      expect(answer.text, name).not.toMatch(/Internal error|call stack/);
      expect(answer.text, name).toMatch(name === 'send_message' ? /message/ : /nested more than \d+ levels/);
    });
  });

  it('text within a raised WARP_MAX_MESSAGE_BYTES that outgrows max_payload once JSON-encoded is refused clearly', async () => {
    const bulky = '\u0000'.repeat(200_000); // 200 KB of text, 1.2 MB as JSON
    const calls: Array<[string, Record<string, unknown>]> = [
      ['send_message', { channel: 'roadmap', message: bulky }],
      ['send_direct_message', { recipientGuid: ids.agent, message: '"'.repeat(600_000) }],
      [
        'broadcast_work_offer',
        { taskId: 'bulky', description: '\\'.repeat(B_MAX_MESSAGE_BYTES), requiredCapability: 'ok' },
      ],
    ];
    for (const [tool, args] of calls) {
      const answer = await call(b, tool, args);
      expect(answer.kind, tool).toBe('error');
      const { text } = answer as { text: string };
      expectClear(tool, '(bulky)', text);
      expect(text, tool).not.toMatch(/Internal error/);
      expect(text, tool).toMatch(/bytes once encoded/);
    }
    // Large text that stays under max_payload is still taken.
    expect((await b.call('send_message', { channel: 'roadmap', message: 'x'.repeat(1_000_000) })).message.id).toMatch(
      /^\d+$/,
    );
  });

  it('both servers are still up and answer', async () => {
    for (const agent of [a, b]) {
      const me = await agent.call('get_my_handle');
      expect(me.namespace).toBe(NS);
      expect(me.connection).toMatch(/connected/i);
    }
  });

  it("NATS holds only names from Warp's alphabet: streams, stored subjects, KV keys, consumers, subscriptions", async () => {
    let nc: NatsConnection | undefined;
    try {
      nc = await connect({ servers: server.url });
      const jsm: JetStreamManager = await jetstreamManager(nc);
      const streams = [];
      for await (const info of jsm.streams.list()) streams.push(info);
      expect(streams.length).toBeGreaterThan(4);
      for (const info of streams) {
        const name = info.config.name;
        expect(name).toMatch(STREAM_NAME);
        for (const subject of info.config.subjects ?? []) expect(subject, name).toMatch(WELL_FORMED_SUBJECT);
        const detail = await jsm.streams.info(name, { subjects_filter: '>' });
        for (const subject of Object.keys(detail.state.subjects ?? {})) {
          expect(
            STORED_SUBJECT.some((p) => p.test(subject)),
            `${name} stores ${JSON.stringify(subject)}`,
          ).toBe(true);
        }
        if (name.startsWith('WARP_CH_')) {
          const channel = name.slice(`WARP_CH_${NS}_`.length);
          expect(info.config.subjects).toEqual([`warp.ch.${NS}.${channel}`]);
        }
        for await (const consumer of jsm.consumers.list(name)) {
          const filters = [consumer.config.filter_subject, ...(consumer.config.filter_subjects ?? [])].filter(
            (f): f is string => !!f,
          );
          for (const filter of filters)
            expect(filter, `consumer ${consumer.name} on ${name}`).toMatch(WELL_FORMED_SUBJECT);
        }
      }

      const kvm = new Kvm(nc);
      const registry = await kvm.open('warp-registry');
      const registryKeys = [];
      for await (const key of await registry.keys()) registryKeys.push(key);
      expect(registryKeys.length).toBeGreaterThanOrEqual(2);
      for (const key of registryKeys) expect(key).toMatch(REGISTRY_KEY);
      const cursors = await kvm.open('warp-cursors');
      for await (const key of await cursors.keys()) expect(key).toMatch(CURSOR_KEY);
    } finally {
      await nc?.close();
    }

    // Monitoring: consumers (including ephemeral ones) and every live subscription.
    const jsz = (await (
      await fetch(`http://127.0.0.1:${server.monitorPort}/jsz?streams=true&consumers=true&config=true`)
    ).json()) as {
      account_details?: Array<{
        stream_detail?: Array<{
          name: string;
          consumer_detail?: Array<{ name: string; config?: { filter_subject?: string; filter_subjects?: string[] } }>;
        }>;
      }>;
    };
    for (const account of jsz.account_details ?? []) {
      for (const stream of account.stream_detail ?? []) {
        expect(stream.name).toMatch(STREAM_NAME);
        for (const consumer of stream.consumer_detail ?? []) {
          for (const filter of [consumer.config?.filter_subject, ...(consumer.config?.filter_subjects ?? [])].filter(
            (f): f is string => !!f,
          )) {
            expect(filter, `consumer ${consumer.name} on ${stream.name}`).toMatch(WELL_FORMED_SUBJECT);
          }
        }
      }
    }
    const subsz = (await (await fetch(`http://127.0.0.1:${server.monitorPort}/subsz?subs=1&limit=100000`)).json()) as {
      subscriptions_list?: Array<{ subject: string }>;
    };
    const subjects = (subsz.subscriptions_list ?? []).map((s) => s.subject);
    expect(subjects.length).toBeGreaterThan(0);
    for (const subject of subjects) {
      expect(subject).toMatch(WELL_FORMED_SUBJECT);
      if (subject.startsWith('warp.'))
        expect(
          WARP_SUBSCRIPTION.some((p) => p.test(subject)),
          `subscription ${JSON.stringify(subject)}`,
        ).toBe(true);
    }
  });

  afterAll(() => {
    // What the fuzz reached, per tool (ok / isError), for the log.
    const rows = [...outcomes.entries()].map(
      ([tool, r]) => `${tool}: ${r.ok} ok, ${r.error} isError${r.protocol ? `, ${r.protocol} protocol` : ''}`,
    );
    console.log(`fuzz outcomes:\n  ${rows.join('\n  ')}`);
  });
});
