import type { Permissions } from '@nats-io/jwt';

/** Replies to an agent's requests come on its own inbox prefix, which no other credential may read. */
export const agentInboxPrefix = (guid: string): string => `_INBOX_${guid}`;

/**
 * What an agent's credential may do on the server (ADR 0022): ask the hub as itself, hear its own
 * replies and the live notices of its project and inbox. No JetStream API, no stream subjects, no
 * other project, no publishing notices.
 */
export function agentPermissions(namespace: string, guid: string): Permissions {
  return {
    pub: { allow: [`warp.hub.*.${namespace}.${guid}`], deny: [] },
    sub: {
      allow: [
        `${agentInboxPrefix(guid)}.>`,
        `warp.notify.${namespace}.ch.*`,
        `warp.notify.dm.${guid}`,
        `warp.notify.${namespace}.work`,
      ],
      deny: [],
    },
  };
}
