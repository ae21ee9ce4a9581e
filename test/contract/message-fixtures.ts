import type { NewChannelMessage, NewDirectMessage } from '../../src/ports/index.js';

export const post = (channel: string, body: string): NewChannelMessage => ({
  channel,
  senderHandle: 'alice',
  senderGuid: 'g-alice',
  timestamp: 1,
  body,
});
export const dm = (recipientGuid: string, body: string, extra: Partial<NewDirectMessage> = {}): NewDirectMessage => ({
  recipientGuid,
  senderGuid: 'g-alice',
  senderHandle: 'alice',
  messageType: 'text',
  body,
  timestamp: 1,
  ...extra,
});
export const bodies = (messages: ReadonlyArray<{ body: string }>): string[] => messages.map((m) => m.body);
let guids = 0;
/** A guid no other test uses (a valid subject token, as a real one is). */
export const freshGuid = (): string => `0000${process.pid}-0000-4000-8000-${String(++guids).padStart(12, '0')}`;
