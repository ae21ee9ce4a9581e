import type { Permissions } from '@nats-io/jwt';

/**
 * What the hub's listening credential (`hub-listen.creds`) may do: hear hub requests and service
 * discovery, and answer. It may not publish to the JetStream or KV APIs, nor to any Warp subject
 * (streams, notices, hub requests), so no answer, whatever subject a request names for it, can
 * purge a stream or write a record (ADR 0030). Its answers go to callers' inboxes, `_INBOX.…` and
 * `_INBOX_<guid>.…`, which a publish allow-list cannot name (a wildcard spans whole tokens only):
 * hence a deny-list.
 */
export function hubListenerPermissions(): Permissions {
  return {
    pub: { allow: ['>'], deny: ['$JS.>', '$JSC.>', '$KV.>', '$O.>', '$SYS.>', '$SRV.>', '$MQTT.>', 'warp.>'] },
    sub: { allow: ['warp.hub.>', '$SRV.>'], deny: [] },
  };
}
