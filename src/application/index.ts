export * from './warp-app.js';
export * from './shared/deps.js';
export * from './shared/session.js';
export * from './shared/require.js';
export type { CreateChannelInput } from './channels/create-channel.js';
export type { Push, PushKind } from './push/agent-feed.js';
export type { Update } from './push/session-watch.js';
export type { AgentDigest, DigestMoment } from './digest/agent-digest.js';
export { Surfaced } from './digest/surfaced.js';
