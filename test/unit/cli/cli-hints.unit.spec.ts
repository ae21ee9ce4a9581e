import { describe, expect, it } from 'vitest';
import { CLI_TERMS, inCliTerms } from '../../../src/adapters/cli/cli-hints.js';
import { TOOLS } from '../../../src/adapters/mcp/tools/index.js';
import { NotRegistered } from '../../../src/application/shared/require.js';
import { AgentNotFound } from '../../../src/application/registry/discover-agents.js';
import { ChannelNotFound } from '../../../src/domain/channel/channel.decider.js';
import { NotDeadLettered } from '../../../src/domain/work-item/work-item.errors.js';

const TOOL_NAME = new RegExp(`\\b(${TOOLS.map((t) => t.name).join('|')})\\b`);

describe('hints in CLI terms', () => {
  it('every MCP tool has a CLI phrase, so a new tool cannot leak into CLI messages unnoticed', () => {
    expect(Object.keys(CLI_TERMS).sort()).toEqual(TOOLS.map((t) => t.name).sort());
  });

  it.each([
    new ChannelNotFound('ops'),
    new NotRegistered('send direct messages'),
    new NotDeadLettered('w-1', 'claimed'),
    new AgentNotFound('a-1'),
  ])('%s names CLI commands, not tools', (error) => {
    expect(error.message).toMatch(TOOL_NAME);
    const text = inCliTerms(error.message);
    expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    expect(text).toMatch(/`warp [a-z]+/);
  });

  it('turns the channel hint into the command that creates it', () => {
    expect(inCliTerms(new ChannelNotFound('ops').message)).toBe(
      'Channel "ops" does not exist; call `warp channels` to see the channels, or `warp channel create <name>` to make it.',
    );
  });

  it('replaces a written-out call whole', () => {
    expect(inCliTerms('add it with update_presence({ capabilities: [...] }).')).toBe(
      'add it with `warp work claim <capability>`.',
    );
  });
});
