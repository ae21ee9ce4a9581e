import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { broadcastWorkOfferTool } from '../../../src/adapters/mcp/tools/broadcast-work-offer.tool.js';
import { claimWorkTool } from '../../../src/adapters/mcp/tools/claim-work.tool.js';
import { listDeadLetterItemsTool } from '../../../src/adapters/mcp/tools/list-dead-letter-items.tool.js';
import { listWorkTool } from '../../../src/adapters/mcp/tools/list-work.tool.js';
import { readDirectMessagesTool } from '../../../src/adapters/mcp/tools/read-direct-messages.tool.js';
import { readMessagesTool } from '../../../src/adapters/mcp/tools/read-messages.tool.js';
import { waitForMessagesTool } from '../../../src/adapters/mcp/tools/wait-for-messages.tool.js';
import { CLAIM_TIMEOUT_MS, PAGE, PRIORITY, WAIT_TIMEOUT_MS, type Range } from '../../../src/domain/index.js';

/** The schema of one input field of a tool. */
const field = (input: z.ZodRawShape, name: string): z.ZodType => input[name] as z.ZodType;

describe('MCP schemas read the domain limits', () => {
  it.each<[string, z.ZodRawShape, string, Range]>([
    ['read_messages', readMessagesTool.input, 'limit', PAGE.messages],
    ['read_direct_messages', readDirectMessagesTool.input, 'limit', PAGE.directMessages],
    ['list_work', listWorkTool.input, 'limit', PAGE.workItems],
    ['list_dead_letter_items', listDeadLetterItemsTool.input, 'limit', PAGE.deadLetters],
    ['claim_work', claimWorkTool.input, 'timeout', CLAIM_TIMEOUT_MS],
    ['wait_for_messages', waitForMessagesTool.input, 'timeoutMs', WAIT_TIMEOUT_MS],
    ['broadcast_work_offer', broadcastWorkOfferTool.input, 'priority', PRIORITY],
  ])('%s accepts %s within the range and refuses just outside it', (_tool, input, name, range) => {
    const schema = field(input, name);
    expect([range.min, range.default, range.max].map((v) => schema.safeParse(v).success)).toEqual([true, true, true]);
    expect([range.min - 1, range.max + 1].map((v) => schema.safeParse(v).success)).toEqual([false, false]);
  });
});
