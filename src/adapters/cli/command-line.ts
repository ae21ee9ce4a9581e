import { setTimeout as sleep } from 'node:timers/promises';
import { openRuntime } from '../../composition/runtime.js';
import { parseCli, runCli } from './cli.js';
import { BackendUnavailable, EXIT } from './exit-codes.js';
import { lazyWarpApi } from './lazy-warp-api.js';

/** A CLI run never waits long for a goodbye: presence expires on its own. */
const CLOSE_WITHIN_MS = 2_000;
/** How long a command may take to end after Ctrl-C before it is cut short. */
const INTERRUPT_GRACE_MS = 1_000;
/** 128 + SIGINT, as shells report an interrupted command. */
const EXIT_INTERRUPTED = 130;

/**
 * Runs one `warp <command>`: quiet logs unless -v, the backend opened only when the command
 * uses it, Ctrl-C and a closed stdout (`| head -1`) end it at once and quietly.
 */
export async function runCommandLine(argv: readonly string[]): Promise<number> {
  const request = parseCli(argv);
  if ('help' in request) {
    process.stdout.write(`${request.help}\n`);
    return EXIT.ok;
  }
  const env = { ...process.env };
  if (!env['LOG_LEVEL']?.trim()) env['LOG_LEVEL'] = request.options['verbose'] ? 'INFO' : 'WARN';
  const handle = typeof request.options['as'] === 'string' ? request.options['as'] : undefined;

  const stop = new AbortController();
  let running = true;
  let stdoutClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutClosed = true;
    stop.abort();
  });
  const interrupt = (): void => {
    stop.abort();
    // A command that does not watch the signal (a claim waiting for work) is not waited for.
    setTimeout(() => {
      if (running) process.exit(EXIT_INTERRUPTED);
    }, request.command.interruptGraceMs ?? INTERRUPT_GRACE_MS).unref();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const app = lazyWarpApi(() =>
    openRuntime({
      env,
      cwd: process.cwd(),
      ...(handle ? { handle } : {}),
      defaultHandle: 'cli',
      command: request.command.agent !== true,
    }),
  );
  try {
    return await runCli(app, request, {
      out: (line) => {
        if (!stdoutClosed) process.stdout.write(`${line}\n`);
      },
      signal: stop.signal,
      env,
      cwd: process.cwd(),
      hubs: async () => (await app.ensure()).hubs?.() ?? [],
    });
  } catch (error) {
    // Whoever read our output has gone; there is nobody to tell.
    if (stdoutClosed) return EXIT.ok;
    if (error instanceof BackendUnavailable && request.command.name !== 'doctor')
      throw new BackendUnavailable(`${error.message}\n\`warp doctor\` checks the whole setup and says what to fix.`);
    throw error;
  } finally {
    running = false;
    await Promise.race([app.close().catch(() => undefined), sleep(CLOSE_WITHIN_MS, undefined, { ref: false })]);
  }
}
