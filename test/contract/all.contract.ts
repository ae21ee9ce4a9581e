import { channelLogContract } from './channel-log.contract.js';
import { checkpointContract } from './checkpoint.contract.js';
import { cursorStoreContract } from './cursor-store.contract.js';
import { eventStoreContract } from './event-store.contract.js';
import { inboxContract } from './inbox.contract.js';
import { noticesContract } from './notices.contract.js';
import type { PortsFixture } from './ports.js';
import { registryStoreContract } from './registry-store.contract.js';
import { senderKeysContract } from './sender-keys.contract.js';
import { tombstoneStoreContract } from './tombstone-store.contract.js';
import { workQueueContract } from './work-queue.contract.js';
import { workRepeatsContract } from './work-repeats.contract.js';

/** Every port's contract, and the work queue built on them, against one backend. */
export function portContracts(fixture: PortsFixture): void {
  eventStoreContract(fixture);
  channelLogContract(fixture);
  inboxContract(fixture);
  noticesContract(fixture);
  registryStoreContract(fixture);
  cursorStoreContract(fixture);
  tombstoneStoreContract(fixture);
  workQueueContract(fixture);
  workRepeatsContract(fixture);
  senderKeysContract(fixture);
  checkpointContract(fixture);
}
