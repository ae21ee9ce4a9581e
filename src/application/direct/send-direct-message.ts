import { agentId, canSee, checkCapability, checkId, MAX_METADATA_BYTES, ValidationError } from '../../domain/index.js';
import type { DirectMessage } from '../../ports/index.js';
import { checkIdempotencyKey, sendersKey } from '../channels/message-view.js';
import type { AppDeps } from '../shared/deps.js';
import { checkJsonSize, checkText, requireGuid } from '../shared/require.js';
import { AgentNotFound } from '../registry/discover-agents.js';
import { viewerOf } from '../registry/agent-view.js';

export interface SendDirectMessageInput {
  readonly recipientGuid: string;
  readonly message: string;
  readonly messageType?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly idempotencyKey?: string;
}

export interface DirectMessageView extends Omit<DirectMessage, 'timestamp'> {
  readonly timestamp: string;
}

export const directView = (m: DirectMessage): DirectMessageView => ({
  ...m,
  timestamp: new Date(m.timestamp).toISOString(),
});

/** Delivers to the recipient's durable inbox, whether or not it is online now. */
export async function sendDirectMessage(
  deps: AppDeps,
  input: SendDirectMessageInput,
): Promise<{ message: DirectMessageView; recipientStatus: string }> {
  const { session, settings } = deps;
  const senderGuid = requireGuid(session, 'send direct messages (so the recipient can answer you)');
  const recipientGuid = checkId('recipientGuid', input.recipientGuid);
  const messageType = checkCapability('messageType', input.messageType ?? 'text');
  checkText('message', input.message, settings.maxMessageBytes);
  // A request asked again (its answer was lost) stores its message once.
  const key = checkIdempotencyKey(input.idempotencyKey ?? deps.requestId);
  if (input.metadata !== undefined) {
    if (typeof input.metadata !== 'object' || input.metadata === null || Array.isArray(input.metadata)) {
      throw new ValidationError('metadata', 'must be an object');
    }
    checkJsonSize('metadata', input.metadata, MAX_METADATA_BYTES);
  }
  const recipient = await deps.registry.get(agentId(recipientGuid));
  if (!recipient || !canSee(viewerOf(session), recipient.profile)) throw new AgentNotFound(recipientGuid);
  const outgoing = {
    recipientGuid,
    senderGuid,
    senderHandle: session.handle ?? 'unknown',
    messageType,
    body: input.message,
    timestamp: deps.clock.now(),
    ...(input.metadata ? { metadata: input.metadata } : {}),
  };
  const message = await deps.inbox.deliver(outgoing, sendersKey(deps.ids, outgoing, key));
  const status = recipient.deregistered ? 'deregistered' : recipient.presence;
  return { message: directView(message), recipientStatus: status };
}
