import type { AnyTool } from '../define-tool.js';
import { broadcastWorkOfferTool } from './broadcast-work-offer.tool.js';
import { claimWorkTool } from './claim-work.tool.js';
import { completeWorkTool } from './complete-work.tool.js';
import { createChannelTool } from './create-channel.tool.js';
import { deregisterAgentTool } from './deregister-agent.tool.js';
import { discardDeadLetterItemTool } from './discard-dead-letter-item.tool.js';
import { discoverAgentsTool } from './discover-agents.tool.js';
import { failWorkTool } from './fail-work.tool.js';
import { getAgentInfoTool } from './get-agent-info.tool.js';
import { getMyHandleTool } from './get-my-handle.tool.js';
import { getWorkItemTool } from './get-work-item.tool.js';
import { listChannelsTool } from './list-channels.tool.js';
import { listDeadLetterItemsTool } from './list-dead-letter-items.tool.js';
import { listReservationsTool } from './list-reservations.tool.js';
import { listWorkTool } from './list-work.tool.js';
import { readDirectMessagesTool } from './read-direct-messages.tool.js';
import { readMessagesTool } from './read-messages.tool.js';
import { registerAgentTool } from './register-agent.tool.js';
import { releasePathsTool } from './release-paths.tool.js';
import { reportWorkProgressTool } from './report-work-progress.tool.js';
import { reservePathsTool } from './reserve-paths.tool.js';
import { retryDeadLetterItemTool } from './retry-dead-letter-item.tool.js';
import { sendDirectMessageTool } from './send-direct-message.tool.js';
import { sendMessageTool } from './send-message.tool.js';
import { setHandleTool } from './set-handle.tool.js';
import { updatePresenceTool } from './update-presence.tool.js';
import { waitForMessagesTool } from './wait-for-messages.tool.js';

export const TOOLS: readonly AnyTool[] = [
  setHandleTool,
  getMyHandleTool,
  listChannelsTool,
  sendMessageTool,
  readMessagesTool,
  createChannelTool,
  waitForMessagesTool,
  registerAgentTool,
  discoverAgentsTool,
  getAgentInfoTool,
  updatePresenceTool,
  deregisterAgentTool,
  sendDirectMessageTool,
  readDirectMessagesTool,
  broadcastWorkOfferTool,
  claimWorkTool,
  completeWorkTool,
  failWorkTool,
  reportWorkProgressTool,
  getWorkItemTool,
  listWorkTool,
  listDeadLetterItemsTool,
  retryDeadLetterItemTool,
  discardDeadLetterItemTool,
  reservePathsTool,
  releasePathsTool,
  listReservationsTool,
];
