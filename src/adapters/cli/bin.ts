#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { DomainError } from '../../domain/index.js';
import { ConfigError } from '../config/config-error.js';
import { COMMANDS, parseCli, runCli, usage } from './cli.js';
import { BackendUnavailable, exitCodeOf, EXIT, UsageError } from './exit-codes.js';
import { processIo } from './standalone-io.js';

const version = (
  JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

async function main(argv: string[]): Promise<number> {
  const [first] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${usage()}\n`);
    return EXIT.ok;
  }
  if (first === '--version') {
    process.stdout.write(`${version}\n`);
    return EXIT.ok;
  }
  const standalone = COMMANDS.find((c) => c.name === first)?.standalone;
  if (standalone) return standalone(argv.slice(1), processIo);
  // Loaded only past this point: Claude Code hooks must start fast and need none of it.
  const [{ openRuntime }, { createLogger, loadEnv, resolveNatsConnection }, { serve }] = await Promise.all([
    import('../../composition/runtime.js'),
    import('../config/index.js'),
    import('./serve.js'),
  ]);
  const env = loadEnv(process.env, process.cwd());
  if (first === undefined || first === 'serve') {
    const { user, pass } = resolveNatsConnection(env.natsUrl, env.natsUser, env.natsPass);
    const logger = createLogger(
      env.logLevel,
      [user, pass].filter((s): s is string => Boolean(s)),
    );
    await serve(env, logger, () => openRuntime({ env: process.env, cwd: process.cwd() }), version);
    return -1; // keeps running
  }
  const parsed = parseCli(argv);
  const handle = typeof parsed.options['as'] === 'string' ? parsed.options['as'] : 'cli';
  const runtime = await openRuntime({ env: process.env, cwd: process.cwd(), handle }).catch((error: unknown) => {
    throw error instanceof ConfigError || error instanceof DomainError
      ? error
      : new BackendUnavailable(error instanceof Error ? error.message : String(error));
  });
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  try {
    return await runCli(runtime.app, parsed, stop.signal, (line) => process.stdout.write(`${line}\n`));
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`warp: ${error instanceof UsageError ? '' : 'error: '}${message}\n`);
    process.exit(exitCodeOf(error));
  },
);
