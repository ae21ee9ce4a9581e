import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DomainError } from '../../domain/index.js';
import { BackendUnavailable } from '../../ports/index.js';
import { ConfigError } from '../config/index.js';

/** Expected failures say what to fix; anything else is an internal error without a stack. Nothing throws across the protocol. */
export function errorResult(error: unknown): CallToolResult {
  const text =
    error instanceof DomainError
      ? error.message
      : error instanceof BackendUnavailable
        ? `Warp cannot reach its backend: ${error.message}`
        : error instanceof ConfigError
          ? `Warp's configuration is invalid (fix it, then call again): ${error.message}`
          : `Internal error: ${error instanceof Error ? error.message : String(error)}`;
  return { isError: true, content: [{ type: 'text', text }] };
}
