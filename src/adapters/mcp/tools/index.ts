import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OPERATION_NAMES } from '../../../application/index.js';
import type { AnyTool } from '../define-tool.js';

/** The operation a tool carries out: claim_work is claimWork. */
export const operationOf = (tool: AnyTool): string => tool.name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Every MCP tool: each file of this directory named `*.tool` holds one (ADR 0039), so a new operation
 * needs its use case, its line in the operation table and its tool file, and no list to keep. They
 * are listed in the operation table's order.
 */
async function loadTools(): Promise<readonly AnyTool[]> {
  const here = new URL('.', import.meta.url);
  const extension = import.meta.url.endsWith('.ts') ? '.tool.ts' : '.tool.js';
  const files = readdirSync(fileURLToPath(here)).filter((file) => file.endsWith(extension));
  const tools: AnyTool[] = [];
  for (const file of files) {
    const module = (await import(new URL(file, here).href)) as Record<string, unknown>;
    for (const value of Object.values(module))
      if (typeof value === 'object' && value !== null && 'register' in value) tools.push(value as AnyTool);
  }
  const order = (tool: AnyTool): number => OPERATION_NAMES.indexOf(operationOf(tool) as never);
  return tools.sort((a, b) => order(a) - order(b));
}

export const TOOLS: readonly AnyTool[] = await loadTools();
