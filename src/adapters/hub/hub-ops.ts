import { z } from 'zod';
import { beat, createWarpApp, goOffline, syncConfiguredChannels, type AppDeps } from '../../application/index.js';
import { ValidationError } from '../../domain/index.js';
import { surfacedWireSchema, type HubOp } from './hub-protocol.js';
import { surfacedFromWire, surfacedToWire } from './surfaced-wire.js';

const digestInputSchema = z.object({
  surfaced: surfacedWireSchema,
  moment: z.enum(['session-start', 'prompt', 'stop']),
});

const channelListSchema = z.array(z.record(z.string(), z.unknown())).max(1_000);

function parsed<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError('input', result.error.issues[0]?.message ?? 'malformed');
  return result.data;
}

/**
 * Runs one operation for the session `deps` stands for. The use cases check their own inputs, as
 * for a local call; only what has no use-case signature of its own is parsed here.
 */
export async function runHubOp(op: HubOp, deps: AppDeps, input: unknown): Promise<unknown> {
  const app = createWarpApp(deps);
  const given = (input ?? {}) as never;
  switch (op) {
    case 'beat':
      return beat(deps);
    case 'goOffline':
      return goOffline(deps);
    case 'syncChannels':
      return syncConfiguredChannels(deps, parsed(channelListSchema, input) as never);
    case 'agentDigest': {
      const { surfaced, moment } = parsed(digestInputSchema, input);
      const memory = surfacedFromWire(surfaced);
      const digest = await app.agentDigest(memory, moment);
      return { digest, surfaced: surfacedToWire(memory) };
    }
    default:
      return (app[op] as (input: never) => Promise<unknown>)(given);
  }
}
