import { channelDecider, checkName, requireOpenChannel, ValidationError } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { byteLength } from '../shared/require.js';
import { checkIdempotencyKey, messageView, parseMessageId, sendersKey, type MessageView } from './message-view.js';

export interface SendMessageInput {
  readonly channel: string;
  readonly message: string;
  readonly replyTo?: string;
  readonly idempotencyKey?: string;
}

export async function sendMessage(deps: AppDeps, input: SendMessageInput): Promise<{ message: MessageView }> {
  const { session, channelLog, clock, settings } = deps;
  const channel = checkName('channel', input.channel);
  const open = requireOpenChannel(channel, deps.channels.get(channel)?.state);
  // A request asked again (its answer was lost) stores its message once.
  const key = checkIdempotencyKey(input.idempotencyKey ?? deps.requestId);
  if (input.replyTo !== undefined) {
    const target = parseMessageId('replyTo', input.replyTo);
    const { last } = await channelLog.position(session.namespace, channel);
    if (target > last) throw new ValidationError('replyTo', `message ${input.replyTo} does not exist in #${channel}`);
  }
  const [posted] = channelDecider.decide(
    {
      type: 'PostMessage',
      channel,
      senderHandle: session.handle,
      body: input.message,
      bodyBytes: byteLength(input.message),
      maxBytes: settings.maxMessageBytes,
      now: clock.now(),
      ...(session.guid ? { senderGuid: session.guid } : {}),
      ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    },
    open,
  );
  if (posted?.type !== 'MessagePosted') throw new Error('PostMessage decided no MessagePosted event');
  const { type: _t, v: _v, at, ...fields } = posted;
  const stored = await channelLog.publish(
    session.namespace,
    { ...fields, timestamp: at },
    sendersKey(deps.ids, fields, key),
  );
  return { message: messageView(stored) };
}
