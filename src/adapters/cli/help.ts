import type { Command, OptionSpec } from './command.js';

const optionLabel = (name: string, spec: OptionSpec): string =>
  `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`;

const table = (rows: ReadonlyArray<readonly [string, string]>): string[] => {
  const width = Math.min(28, Math.max(...rows.map(([label]) => label.length)) + 2);
  return rows.map(([label, text]) => `  ${label.padEnd(width)}${text}`);
};

export function globalOptionsLine(globals: Readonly<Record<string, OptionSpec>>): string {
  return `global options: ${Object.entries(globals)
    .map(([name, spec]) => optionLabel(name, spec))
    .join('  ')}`;
}

/** `warp <command> --help`: usage, what it does, its arguments and options (a group lists its subcommands). */
export function commandHelp(path: readonly Command[], globals: Readonly<Record<string, OptionSpec>>): string {
  const command = path.at(-1)!;
  const lines = [`usage: ${command.usage}`, '', command.summary];
  if (command.subcommands?.length) {
    lines.push('', 'subcommands:');
    for (const sub of command.subcommands) lines.push(`  ${sub.usage}`, `      ${sub.summary}`);
    lines.push(
      '',
      `\`warp ${path.map((c) => c.name).join(' ')} <subcommand> --help\` describes each argument and option.`,
    );
  }
  if (command.arguments?.length) {
    lines.push('', 'arguments:');
    lines.push(
      ...table(
        command.arguments.map((a) => [
          `<${a.name}${a.variadic ? '...' : ''}>`,
          `${a.help}${a.optional ? ' (optional)' : ''}`,
        ]),
      ),
    );
  }
  const options = Object.entries(command.options ?? {});
  if (options.length) {
    lines.push('', 'options:');
    lines.push(...table(options.map(([name, spec]) => [optionLabel(name, spec), spec.help])));
  }
  if (command.details?.length) lines.push('', ...command.details);
  // A command that runs on its own (`warp hub`) takes none of them.
  if (Object.keys(globals).length) lines.push('', globalOptionsLine(globals));
  return lines.join('\n');
}
