import { describe, expect, it } from 'vitest';
import { COMMANDS, parseCli, type ParsedCli } from '../../../src/adapters/cli/cli.js';
import type { Command } from '../../../src/adapters/cli/command.js';
import { commandHelp } from '../../../src/adapters/cli/help.js';
import { UsageError } from '../../../src/adapters/cli/exit-codes.js';

/**
 * Every runnable command with the words that name it: [send], [work, offer], …
 * Standalone commands (hook, setup) run before this parser and parse their own argv strictly.
 */
const runnable: Array<[string[], Command]> = COMMANDS.filter((c) => !c.standalone).flatMap((c) =>
  c.subcommands ? c.subcommands.map((s): [string[], Command] => [[c.name, s.name], s]) : [[[c.name], c]],
);

const usageError = (argv: string[]): string => {
  try {
    parseCli(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

describe('warp command line', () => {
  it.each(runnable)('%s --help names every argument and option', (words, command) => {
    const request = parseCli([...words, '--help']);
    expect('help' in request).toBe(true);
    const help = (request as { help: string }).help;
    expect(help).toContain(command.usage);
    for (const arg of command.arguments ?? []) expect(help).toContain(`<${arg.name}`);
    for (const option of Object.keys(command.options ?? {})) expect(help).toContain(`--${option}`);
    expect(help).toMatch(/--json.*--as HANDLE.*--verbose/);
  });

  it.each(runnable)('%s declares its options and arguments, so it is parsed strictly', (words, command) => {
    expect(command.options).toBeDefined();
    expect(command.arguments).toBeDefined();
    expect(usageError([...words, '--no-such-option'])).toMatch(/unknown option --no-such-option/);
  });

  it('a command that runs on its own lists no global options it would not take', () => {
    const hub = COMMANDS.find((c) => c.name === 'hub')!;
    const help = commandHelp([hub], {});
    expect(help).toContain('usage: warp hub');
    expect(help).not.toContain('global options');
  });

  it('a group without a subcommand lists its subcommands in its help', () => {
    const help = (parseCli(['dlq', '-h']) as { help: string }).help;
    expect(help).toMatch(/warp dlq list .*\n.*\n\s+warp dlq retry <id> \[--reset\]/);
  });

  it('suggests the option that was probably meant', () => {
    expect(usageError(['work', 'list', '--capabilty', 'ts'])).toMatch(/did you mean --capability\?/);
  });

  it('counts arguments: missing ones are named, extra ones are refused, a message takes the rest', () => {
    expect(usageError(['work', 'offer', 'task-1'])).toMatch(/missing <capability> <description>/);
    expect(usageError(['work', 'show', 'a', 'b'])).toMatch(/unexpected argument "b"/);
    const send = parseCli(['send', 'ops', 'deploy', 'at', '5pm', '--json']) as ParsedCli;
    expect(send.positionals).toEqual(['ops', 'deploy', 'at', '5pm']);
    expect(send.options['json']).toBe(true);
  });

  it('an option needs its value and a flag takes none', () => {
    expect(usageError(['read', 'ops', '--limit'])).toMatch(/--limit needs a value/);
    expect(usageError(['read', 'ops', '--follow=yes'])).toMatch(/--follow takes no value/);
  });

  it('words after -- are arguments even when they look like options', () => {
    const send = parseCli(['send', 'ops', '--', '--not-an-option']) as ParsedCli;
    expect(send.positionals).toEqual(['ops', '--not-an-option']);
  });

  it('checks --as with the handle rule of set_handle', () => {
    expect(usageError(['status', '--as', 'Evil.*>'])).toMatch(/invalid --as "Evil\.\*>"/);
    expect(usageError(['status', '--as', ''])).toMatch(/invalid --as/);
    expect((parseCli(['status', '--as', 'worker-1']) as ParsedCli).options['as']).toBe('worker-1');
  });

  it('hands a command that declares nothing its options unchecked (commands added before they declare theirs)', () => {
    const legacy: Command = { name: 'legacy', usage: 'warp legacy', summary: 'old style', run: async () => undefined };
    const parsed = parseCli(['legacy', 'x', '--limit', '3', '--whatever'], [legacy]) as ParsedCli;
    expect(parsed.positionals).toEqual(['x']);
    expect(parsed.options).toMatchObject({ limit: '3', whatever: true });
  });
});
