#!/usr/bin/env node
import { DomainError } from '../../domain/index.js';
import { inCliTerms } from './cli-hints.js';
import type { Command } from './command.js';
import { exitCodeOf, EXIT, ExitWith, UsageError } from './exit-codes.js';
import { processIo } from './standalone-io.js';

import { version } from './version.js';

/** Commands that run before Warp's environment is read; loaded alone so Claude Code hooks start fast. */
const STANDALONE: Readonly<Record<string, () => Promise<Command>>> = {
  hook: async () => (await import('./commands/hook.js')).hook,
  setup: async () => (await import('./commands/setup.js')).setup,
  hub: async () => (await import('./commands/hub.js')).hub,
  auth: async () => (await import('./commands/auth.js')).auth,
};

async function main(argv: string[]): Promise<number> {
  const [first] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    const { usage } = await import('./cli.js');
    process.stdout.write(`${usage()}\n`);
    return EXIT.ok;
  }
  if (first === '--version') {
    process.stdout.write(`${version}\n`);
    return EXIT.ok;
  }
  const standalone = first === undefined ? undefined : (await STANDALONE[first]?.())?.standalone;
  if (standalone) return standalone(argv.slice(1), processIo);
  if (first === undefined || first === 'serve') {
    const [{ openRuntime }, { createLogger, loadEnv }, { connectionSecrets, resolveNatsConnection }, { serve }] =
      await Promise.all([
        import('../../composition/runtime.js'),
        import('../config/index.js'),
        import('../config/nats-url.js'),
        import('./serve.js'),
      ]);
    const env = loadEnv(process.env, process.cwd());
    const connection = resolveNatsConnection(env.natsUrl, env.natsUser, env.natsPass);
    const logger = createLogger(env.logLevel, connectionSecrets(connection));
    await serve(env, logger, () => openRuntime({ env: process.env, cwd: process.cwd() }), version);
    return -1; // keeps running
  }
  const { runCommandLine } = await import('./command-line.js');
  return runCommandLine(argv);
}

/** One line, no stack: what went wrong and, for the CLI, a hint in CLI terms. */
function fail(error: unknown): never {
  if (error instanceof ExitWith) process.exit(error.code);
  const message = error instanceof Error ? error.message : String(error);
  const text = error instanceof DomainError ? inCliTerms(message) : message;
  process.stderr.write(`warp: ${error instanceof UsageError ? '' : 'error: '}${text}\n`);
  process.exit(exitCodeOf(error));
}

if (process.argv[2] !== undefined && process.argv[2] !== 'serve' && process.argv[2] !== 'hub') {
  // A CLI run prints no stack traces, whatever fails; the long-running servers log and go on.
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exit(code);
}, fail);
