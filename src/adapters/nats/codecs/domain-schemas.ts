import { z } from 'zod';
import {
  agentId,
  CAPABILITY_PATTERN,
  ID_PATTERN,
  NAME_PATTERN,
  type AgentEvent,
  type AgentHolder,
  type AgentProfile,
  type KnownAgent,
  type FinishedWorkItem,
  type ChannelEvent,
  type ChannelMessage,
  type JsonValue,
  type Retention,
  type WorkItemEvent,
  type WorkPolicy,
  type WorkSpec,
} from '../../../domain/index.js';
import type { Checkpoint, DirectMessage, RegistryEntry, WorkTombstone } from '../../../ports/index.js';
import { proof, type Decodes } from './type-proof.js';

/**
 * zod schemas of every value Warp stores in NATS, derived from the domain and port types: the
 * `proof` lines below stop the build when a type and its schema drift apart. Names and ids that
 * become subject tokens are held to the domain's patterns, numbers to finite ones.
 */
const time = z.number().finite();
const count = z.number().int().nonnegative();
const name = z.string().regex(NAME_PATTERN);
const id = z.string().regex(ID_PATTERN);
const capability = z.string().regex(CAPABILITY_PATTERN);
const json: z.ZodType<JsonValue> = z.json();
/** A hub request's id, as the hub protocol accepts it (ADR 0037), where a work event records it (ADR 0042). */
const requestId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
const jsonObject = z.record(z.string(), json);

const presence = z.enum(['online', 'busy', 'offline']);

export const agentProfileSchema = z.object({
  guid: id.transform(agentId),
  handle: name,
  agentType: z.string(),
  capabilities: z.array(capability),
  scope: z.enum(['user', 'project']),
  visibility: z.enum(['private', 'project-only', 'user-only', 'public']),
  namespace: name,
  hostname: z.string(),
  username: z.string(),
});

const agentHolderSchema = z.object({
  session: z.string().min(1).max(128),
  pid: count,
  command: z.boolean().optional(),
});

/** An agent's whole state, as its compaction snapshot stores it. */
const knownAgentSchema = z.object({
  status: z.enum(['registered', 'deregistered']),
  profile: agentProfileSchema,
  holder: agentHolderSchema.optional(),
  presence,
  currentTaskCount: count,
  registeredAt: time,
  updatedAt: time,
});

export const agentEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('AgentRegistered'),
    v: z.literal(1),
    profile: agentProfileSchema,
    holder: agentHolderSchema.optional(),
    at: time,
  }),
  z.object({
    type: z.literal('AgentPresenceUpdated'),
    v: z.literal(1),
    status: presence.optional(),
    currentTaskCount: count.optional(),
    capabilities: z.array(capability).optional(),
    at: time,
  }),
  z.object({ type: z.literal('AgentDeregistered'), v: z.literal(1), at: time }),
  z.object({ type: z.literal('AgentSessionEnded'), v: z.literal(1), at: time }),
  z.object({ type: z.literal('AgentCompacted'), v: z.literal(1), state: knownAgentSchema, at: time }),
]);

const retentionSchema = z.object({
  maxMessages: count.optional(),
  maxBytes: count.optional(),
  maxAgeMs: count.optional(),
});

export const channelEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ChannelCreated'),
    v: z.literal(1),
    name,
    description: z.string(),
    retention: retentionSchema,
    at: time,
  }),
  z.object({
    type: z.literal('ChannelReconfigured'),
    v: z.literal(1),
    description: z.string(),
    retention: retentionSchema,
    at: time,
  }),
  z.object({
    type: z.literal('MessagePosted'),
    v: z.literal(1),
    channel: name,
    senderHandle: z.string(),
    senderGuid: z.string().optional(),
    body: z.string(),
    replyTo: z.string().optional(),
    at: time,
  }),
]);

const workSpecSchema = z.object({
  id,
  taskId: z.string(),
  description: z.string(),
  capability,
  priority: z.number().finite(),
  deadline: time.optional(),
  contextData: jsonObject.optional(),
  offeredBy: z.string(),
  namespace: name,
});

const attemptRecordSchema = z.object({
  attempt: count,
  holder: z.string(),
  reason: z.string(),
  at: time,
  requestId: requestId.optional(),
});
const deadLetterReason = z.enum(['max-attempts', 'non-retryable', 'deadline']);

const workCommon = {
  spec: workSpecSchema,
  offeredAt: time,
  attempts: count,
  maxAttempts: count,
  leaseMs: count.optional(),
  dlqTtlMs: count.optional(),
  history: z.array(attemptRecordSchema),
};

const workPolicySchema = z.object({ leaseMs: count, maxAttempts: count, dlqTtlMs: count });

const finishedStates = [
  z.object({
    ...workCommon,
    status: z.literal('completed'),
    completedBy: z.string(),
    completedAt: time,
    result: json.optional(),
    summary: z.string().optional(),
    requestId: requestId.optional(),
  }),
  z.object({
    ...workCommon,
    status: z.literal('dead-lettered'),
    reason: deadLetterReason,
    deadLetteredAt: time,
    expiresAt: time,
  }),
  z.object({ ...workCommon, status: z.literal('discarded'), discardedAt: time }),
] as const;

/** A finished item's whole state, as its compaction snapshot stores it. */
export const finishedWorkItemSchema = z.discriminatedUnion('status', [...finishedStates]);

/** Any existing item's state, as a checkpoint of the work index stores it. */
const liveWorkItemSchema = z.discriminatedUnion('status', [
  z.object({ ...workCommon, status: z.literal('offered') }),
  z.object({
    ...workCommon,
    status: z.literal('claimed'),
    holder: z.string(),
    leaseUntil: time,
    progress: z.number().finite().optional(),
    requestId: requestId.optional(),
  }),
  ...finishedStates,
]);

export const workItemEventSchema = z.discriminatedUnion('type', [
  // v1: stored before an offer carried its policy (ADR 0035), still read.
  z.discriminatedUnion('v', [
    z.object({
      type: z.literal('WorkOffered'),
      v: z.literal(2),
      spec: workSpecSchema,
      policy: workPolicySchema,
      at: time,
    }),
    z.object({ type: z.literal('WorkOffered'), v: z.literal(1), spec: workSpecSchema, maxAttempts: count, at: time }),
  ]),
  z.object({
    type: z.literal('WorkClaimed'),
    v: z.literal(1),
    holder: z.string(),
    attempt: count,
    leaseUntil: time,
    at: time,
    requestId: requestId.optional(),
  }),
  z.object({
    type: z.literal('WorkProgressReported'),
    v: z.literal(1),
    progress: z.number().finite(),
    message: z.string().optional(),
    leaseUntil: time,
    at: time,
  }),
  z.object({
    type: z.literal('WorkCompleted'),
    v: z.literal(1),
    holder: z.string(),
    result: json.optional(),
    summary: z.string().optional(),
    at: time,
    requestId: requestId.optional(),
  }),
  z.object({
    type: z.literal('WorkFailed'),
    v: z.literal(1),
    holder: z.string(),
    attempt: count,
    error: z.string(),
    retryable: z.boolean(),
    at: time,
    requestId: requestId.optional(),
  }),
  z.object({ type: z.literal('WorkLeaseExpired'), v: z.literal(1), holder: z.string(), attempt: count, at: time }),
  z.object({
    type: z.literal('WorkDeadLettered'),
    v: z.literal(1),
    reason: deadLetterReason,
    expiresAt: time,
    at: time,
  }),
  z.object({
    type: z.literal('WorkRetried'),
    v: z.literal(1),
    resetAttempts: z.boolean(),
    maxAttempts: count,
    at: time,
  }),
  z.object({ type: z.literal('WorkDiscarded'), v: z.literal(1), at: time }),
  z.object({ type: z.literal('WorkItemCompacted'), v: z.literal(1), state: finishedWorkItemSchema, at: time }),
]);

/** A channel message as stored (its id is its stream sequence). */
export const channelMessageSchema = z.object({
  channel: name,
  senderHandle: z.string(),
  senderGuid: z.string().optional(),
  timestamp: time,
  body: z.string(),
  replyTo: z.string().optional(),
});

const directFields = {
  recipientGuid: id,
  senderGuid: z.string(),
  senderHandle: z.string(),
  messageType: z.string(),
  body: z.string(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  timestamp: time,
};
/** A direct message as stored in an inbox (its id is its stream sequence). */
export const storedDirectMessageSchema = z.object(directFields);
/** A direct message as its live notice carries it, id included. */
export const directMessageSchema = z.object({ id: z.string().regex(/^[1-9][0-9]{0,15}$/), ...directFields });

export const registryEntrySchema = z.object({
  profile: agentProfileSchema,
  holder: agentHolderSchema.optional(),
  presence,
  currentTaskCount: count,
  registeredAt: time,
  updatedAt: time,
  lastHeartbeat: time,
  deregistered: z.boolean(),
});

const openChannelSchema = z.object({
  status: z.literal('open'),
  name,
  description: z.string(),
  retention: retentionSchema,
  createdAt: time,
});

const kept = <S extends z.ZodType>(state: S) => z.object({ id: z.string(), revision: count, state });

/** A namespace's read models as a checkpoint stores them. */
export const checkpointSchema = z.object({
  after: z.object({ channel: count, work: count }),
  channels: z.array(kept(openChannelSchema)),
  work: z.object({
    live: z.array(kept(liveWorkItemSchema)),
    recent: z.array(kept(finishedWorkItemSchema)),
    purges: z.array(z.object({ id, status: z.enum(['completed', 'dead-lettered', 'discarded']), finishedAt: time })),
  }),
});

/** What is kept of a purged work item. */
export const workTombstoneSchema = z.object({
  status: z.enum(['completed', 'dead-lettered', 'discarded']),
  finishedAt: time,
  purgedAt: time,
});

proof<Decodes<typeof workTombstoneSchema, WorkTombstone>>();
proof<Decodes<typeof checkpointSchema, Checkpoint>>();
proof<Decodes<typeof agentProfileSchema, AgentProfile>>();
proof<Decodes<typeof agentHolderSchema, AgentHolder>>();
proof<Decodes<typeof knownAgentSchema, KnownAgent>>();
proof<Decodes<typeof agentEventSchema, AgentEvent>>();
proof<Decodes<typeof retentionSchema, Retention>>();
proof<Decodes<typeof channelEventSchema, ChannelEvent>>();
proof<Decodes<typeof workSpecSchema, WorkSpec>>();
proof<Decodes<typeof workPolicySchema, WorkPolicy>>();
proof<Decodes<typeof finishedWorkItemSchema, FinishedWorkItem>>();
proof<Decodes<typeof workItemEventSchema, WorkItemEvent>>();
proof<Decodes<typeof channelMessageSchema, Omit<ChannelMessage, 'id'>>>();
proof<Decodes<typeof storedDirectMessageSchema, Omit<DirectMessage, 'id'>>>();
proof<Decodes<typeof directMessageSchema, DirectMessage>>();
proof<Decodes<typeof registryEntrySchema, RegistryEntry>>();
