import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { WarpApi } from '../../application/index.js';
import { errorResult } from './tool-result.js';

/** The group a tool is listed in; WARP_TOOLS picks groups and roles (see tools/profiles.ts). */
export type ToolGroup = 'identity' | 'channels' | 'wait' | 'registry' | 'direct' | 'work' | 'dlq' | 'files';

/** One MCP tool: its schemas, honest annotations, the use case it calls and a short text rendering. */
export interface ToolDefinition<I extends z.ZodRawShape, O> {
  readonly name: string;
  readonly group: ToolGroup;
  readonly title: string;
  readonly description: string;
  readonly input: I;
  readonly output: z.ZodRawShape;
  readonly annotations: ToolAnnotations;
  /** Keep the tool's definition loaded when the client defers the others (Claude Code's tool search). */
  readonly alwaysLoad?: boolean;
  run(app: WarpApi, args: z.infer<z.ZodObject<I>>): Promise<O>;
  render(result: O): string;
}

export interface AnyTool {
  readonly name: string;
  readonly group: ToolGroup;
  register(server: McpServer, app: WarpApi): void;
}

/** A tool as the other driving adapters see it: the CLI validates with the same `input` and calls the same `run`. */
export interface Tool<I extends z.ZodRawShape, O> extends AnyTool {
  readonly input: I;
  run(app: WarpApi, args: z.infer<z.ZodObject<I>>): Promise<O>;
}

export function defineTool<I extends z.ZodRawShape, O extends object>(def: ToolDefinition<I, O>): Tool<I, O> {
  return {
    name: def.name,
    group: def.group,
    input: def.input,
    run: (app, args) => def.run(app, args),
    register(server, app) {
      const handler = async (args: z.infer<z.ZodObject<I>>): Promise<CallToolResult> => {
        try {
          const result = await def.run(app, args);
          return {
            structuredContent: result as Record<string, unknown>,
            content: [{ type: 'text', text: def.render(result) }],
          };
        } catch (error) {
          return errorResult(error);
        }
      };
      server.registerTool(
        def.name,
        {
          title: def.title,
          description: def.description,
          inputSchema: def.input,
          outputSchema: def.output,
          annotations: { title: def.title, openWorldHint: false, ...def.annotations },
          ...(def.alwaysLoad ? { _meta: { 'anthropic/alwaysLoad': true } } : {}),
        },
        handler as never,
      );
    },
  };
}

export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true };
export const WRITE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false };
export const IDEMPOTENT_WRITE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: true };
