import { openMcpPair } from './mcp-pair.js';
import { fmt, progress, timeAlternating, type Row } from './measure.js';

const SENDS = 600;
const CYCLES = 300;
/** Calls before measuring: the MCP servers' code is compiled hot, as in a session that has been working a while. */
const WARM_UP = 500;
/** The tool calls a work cycle makes: offer, claim, complete. */
const CYCLE_CALLS = 3;

export interface RawOps {
  /** One channel message appended to a stream, as the bench's raw send. */
  readonly send: () => Promise<unknown>;
  /** One item through a work queue (publish, next, ack), as the bench's raw work cycle. */
  readonly cycle: () => Promise<unknown>;
}

/**
 * send_message and the work cycle through the built MCP server over stdio, as an agent waits for
 * them, against the same raw NATS operations plus what a trivial tool call costs (one per tool
 * call), all three in alternating rounds. get_my_handle is the trivial call: the session answers
 * it from what it holds, touching neither NATS nor the hub.
 */
export async function mcpRows(url: string, raw: RawOps): Promise<Row[]> {
  const pair = await openMcpPair(url, 'mcp', 'mcp-cycle');
  try {
    await pair.lead.call('create_channel', { name: 'send', description: '' });
    const trivial = (): Promise<unknown> => pair.lead.call('get_my_handle');
    const send = (): Promise<unknown> => pair.lead.call('send_message', { channel: 'send', message: 'x'.repeat(200) });
    progress(`mcp: warming up with ${WARM_UP} of each call`);
    for (let i = 0; i < WARM_UP; i++) await Promise.all([trivial(), send(), pair.cycle()]);
    progress(`mcp: ${SENDS} send_message calls against a raw publish and get_my_handle`);
    const [rawSend, trivialForSend, mcpSend] = await timeAlternating(SENDS, [raw.send, trivial, send]);
    progress(`mcp: ${CYCLES} work cycles (offer, claim, complete) against a raw cycle and get_my_handle`);
    const [rawCycle, trivialForCycle, cycle] = await timeAlternating(CYCLES, [raw.cycle, trivial, () => pair.cycle()]);
    const row = (name: string, base: number, calls: number, call: number, warp: number, target: number): Row => ({
      name,
      raw: `${fmt(base)} + ${calls === 1 ? '' : `${calls} × `}${fmt(call)} µs`,
      warp: `${fmt(warp)} µs`,
      ratio: `${fmt(warp / (base + calls * call), 2)}×`,
      target: `≤ ${target}×`,
      ok: warp / (base + calls * call) <= target,
    });
    return [
      {
        name: 'MCP trivial tool call (get_my_handle)',
        raw: '—',
        warp: `${fmt(trivialForSend!.perOpUs)} µs`,
        ratio: '—',
        target: 'measured',
        ok: true,
      },
      row(
        'MCP send_message vs raw + trivial call',
        rawSend!.perOpUs,
        1,
        trivialForSend!.perOpUs,
        mcpSend!.perOpUs,
        1.25,
      ),
      row(
        `MCP work cycle vs raw + ${CYCLE_CALLS} trivial calls`,
        rawCycle!.perOpUs,
        CYCLE_CALLS,
        trivialForCycle!.perOpUs,
        cycle!.perOpUs,
        1.6,
      ),
    ];
  } finally {
    await pair.close();
  }
}
