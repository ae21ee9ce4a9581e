import type { AnyTool, ToolGroup } from '../define-tool.js';
import { TOOL_PROFILES } from '../../config/index.js';
import { TOOLS } from './index.js';

/** Groups that bring another along: an agent working on an item says which files it is changing. */
const COMES_WITH: Partial<Record<ToolGroup, ToolGroup>> = { work: 'files' };

/**
 * Roles: the tools an agent of that kind needs and nothing more, since every listed tool
 * costs the agent context. Groups add to them; identity (who you are, registration) is always listed.
 */
export const TOOL_ROLES = {
  worker: ['direct', 'wait', 'claim_work', 'complete_work', 'fail_work', 'report_work_progress'],
  chat: ['channels', 'direct', 'wait', 'discover_agents'],
  coordinator: ['channels', 'registry', 'direct', 'wait', 'dlq', 'broadcast_work_offer', 'list_work', 'get_work_item'],
} as const satisfies Record<string, ReadonlyArray<ToolGroup | string>>;

export type ToolRole = keyof typeof TOOL_ROLES;

/** The groups WARP_TOOLS can name: its profiles that are not roles. */
export const TOOL_GROUPS: readonly ToolGroup[] = TOOL_PROFILES.filter((p): p is ToolGroup => !(p in TOOL_ROLES));
export type ToolProfile = ToolGroup | ToolRole;

/** The tools WARP_TOOLS lists: the chosen groups and roles, plus identity. */
export function toolsFor(profiles: ReadonlySet<ToolProfile>): AnyTool[] {
  const wanted = new Set<string>(['identity']);
  for (const profile of profiles) {
    if (profile in TOOL_ROLES) for (const part of TOOL_ROLES[profile as ToolRole]) wanted.add(part);
    else wanted.add(profile);
    const along = COMES_WITH[profile as ToolGroup];
    if (along) wanted.add(along);
  }
  return TOOLS.filter((t) => wanted.has(t.group) || wanted.has(t.name));
}
