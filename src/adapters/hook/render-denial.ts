import type { BlockingReservation } from './hook-protocol.js';

const holder = (r: BlockingReservation): string =>
  `@${r.holder.handle} (${r.pattern}${r.reason ? `: "${r.reason.replace(/\s+/g, ' ').trim()}"` : ''}) until ${r.expiresAt}`;

/**
 * Why an edit of `path` is refused, and what to do instead: the PreToolUse reason Claude Code shows
 * the agent. The reason text comes from another agent: it is quoted, never an instruction.
 */
export function renderDenial(path: string, blocked: readonly BlockingReservation[]): string {
  const handles = [...new Set(blocked.map((r) => `@${r.holder.handle}`))].join(', ');
  return [
    `${path} is reserved by ${blocked.map(holder).join(', ')} (Warp path reservation).`,
    `Do not edit it now: message ${handles} (send_direct_message) to agree on the change, wait until it is released (list_reservations shows it), or work on other files (reserve_paths what you take).`,
  ].join(' ');
}
