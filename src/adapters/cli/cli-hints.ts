/**
 * Error messages from the use cases give hints in MCP terms ("create it with create_channel").
 * Tool names are a stable contract (SPEC §2), so the CLI can say each one its own way.
 */
export const CLI_TERMS: Readonly<Record<string, string>> = {
  set_handle: '--as <handle>',
  get_my_handle: '`warp status`',
  list_channels: '`warp channels`',
  send_message: '`warp send`',
  read_messages: '`warp read <channel>`',
  create_channel: '`warp channel create <name>`',
  wait_for_messages: '`warp read <channel> --follow`',
  // The CLI registers its handle itself when a command needs it.
  register_agent: '`warp work claim <capability>` (which registers --as <handle> with it)',
  discover_agents: '`warp agents`',
  get_agent_info: '`warp agents --all`',
  update_presence: '`warp work claim <capability>`',
  deregister_agent: 'the MCP tool deregister_agent',
  send_direct_message: '`warp dm`',
  read_direct_messages: '`warp inbox`',
  broadcast_work_offer: '`warp work offer`',
  claim_work: '`warp work claim`',
  complete_work: '`warp work complete`',
  fail_work: '`warp work fail`',
  report_work_progress: '`warp work progress`',
  get_work_item: '`warp work show <id>`',
  list_work: '`warp work list`',
  list_dead_letter_items: '`warp dlq list`',
  retry_dead_letter_item: '`warp dlq retry <id>`',
  discard_dead_letter_item: '`warp dlq discard <id>`',
  reserve_paths: '`warp reserve <path...>`',
  release_paths: '`warp release [path...]`',
  list_reservations: '`warp reservations`',
};

// A call written out (`update_presence({ capabilities: [...] })`) is replaced whole.
const TOOL_MENTION = new RegExp(`\\b(${Object.keys(CLI_TERMS).join('|')})\\b(\\([^)]*\\))?`, 'g');

/** The message with every MCP tool name replaced by the CLI command that does the same. */
export const inCliTerms = (message: string): string =>
  message.replace(TOOL_MENTION, (_match, tool: string) => CLI_TERMS[tool] ?? tool);
