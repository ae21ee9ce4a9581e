import { z } from 'zod';
import type { Tool } from '../mcp/define-tool.js';
import type { CliContext, ParsedArgs } from './command.js';
import { UsageError } from './exit-codes.js';

/** How the CLI names each tool field: `--limit`, `<channel>`. */
export type CliNames<I> = Partial<Record<keyof I & string, string>>;

const shown = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
};

/**
 * Checks `input` with the MCP tool's own schema, so the CLI and the tools accept exactly
 * the same values; a mistake is a usage error that names the option or argument.
 */
export function checkWithTool<I extends z.ZodRawShape, O>(
  tool: Tool<I, O>,
  input: Readonly<Record<string, unknown>>,
  names: CliNames<I>,
): z.infer<z.ZodObject<I>> {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const parsed = z.object(tool.input).safeParse(defined);
  if (parsed.success) return parsed.data;
  throw new UsageError(
    parsed.error.issues
      .map((issue) => {
        const field = String(issue.path[0] ?? '');
        if (!field) return `invalid arguments: ${issue.message}`;
        const cliName = names[field as keyof I & string] ?? field;
        // The tools' messages start with the field's own name; the CLI says it its way.
        const message = issue.message.startsWith(`${field} `) ? issue.message.slice(field.length + 1) : issue.message;
        return `invalid ${cliName} ${shown(defined[field])}: ${message}`;
      })
      .join('\n'),
  );
}

/** Validates with the tool's schema, then runs the tool's own call. */
export function callTool<I extends z.ZodRawShape, O>(
  ctx: CliContext,
  tool: Tool<I, O>,
  input: Readonly<Record<string, unknown>>,
  names: CliNames<I>,
): Promise<O> {
  return tool.run(ctx.app, checkWithTool(tool, input, names));
}

export function intOption(args: ParsedArgs, name: string): number | undefined {
  const raw = args.options[name];
  if (typeof raw !== 'string') return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`invalid --${name} ${shown(raw)}: expected a whole number`);
  return Number(raw);
}

/** A JSON object option (`--context '{"k":"v"}'`). */
export function jsonObjectOption(args: ParsedArgs, name: string): unknown {
  const raw = args.options[name];
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new UsageError(`invalid --${name} ${shown(raw)}: expected JSON, e.g. '{"key":"value"}'`);
  }
}

/** Text, or a JSON object when it is one (`--result`: the tool takes either). */
export function textOrObjectOption(args: ParsedArgs, name: string): unknown {
  const raw = args.options[name];
  if (typeof raw !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : raw;
  } catch {
    return raw;
  }
}
