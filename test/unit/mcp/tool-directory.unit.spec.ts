import { describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from '../../../src/application/index.js';
import { operationOf, TOOLS } from '../../../src/adapters/mcp/tools/index.js';

describe('the MCP tools, found in their directory', () => {
  it('are one per operation, in the operation table order; only the CLI, hooks and dashboard ask the rest', () => {
    const operations = TOOLS.map(operationOf);
    expect(operations.every((name) => (OPERATION_NAMES as readonly string[]).includes(name))).toBe(true);
    expect(new Set(operations).size).toBe(TOOLS.length);
    expect(operations).toEqual(OPERATION_NAMES.filter((name) => operations.includes(name)));
    expect(OPERATION_NAMES.filter((name) => !operations.includes(name))).toEqual(['inboxStatus', 'agentDigest']);
  });
});
