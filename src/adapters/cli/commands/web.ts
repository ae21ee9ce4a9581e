import { spawn } from 'node:child_process';
import { OPERATOR_HANDLE } from '../../web/operator-actions.js';
import { startDashboard } from '../../web/web-server.js';
import { emit, stringOption, type Command } from '../command.js';
import { UsageError } from '../exit-codes.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Best effort: a machine without a desktop simply has no browser to open. */
function openBrowser(url: string): void {
  const child = spawn('xdg-open', [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

export const web: Command = {
  name: 'web',
  usage: 'warp web [--port 7777] [--host 127.0.0.1] [--open]',
  summary: 'live dashboard of agents, channels, work and dead letters',
  arguments: [],
  options: {
    port: { type: 'string', value: 'PORT', help: 'port to listen on (default 7777; 0 picks a free one)' },
    host: { type: 'string', value: 'HOST', help: 'address to listen on (default 127.0.0.1; anything else warns)' },
    open: { type: 'boolean', help: 'open the dashboard in the default browser' },
  },
  async run(ctx, args) {
    const rawPort = stringOption(args, 'port') ?? '7777';
    const port = Number(rawPort);
    if (!/^\d{1,5}$/.test(rawPort) || port > 65_535)
      throw new UsageError(
        `--port must be a number from 0 to 65535 (0 picks a free one), got "${rawPort.slice(0, 20)}"`,
      );
    const host = stringOption(args, 'host') ?? '127.0.0.1';
    if (!LOOPBACK.has(host))
      process.stderr.write(
        `warp web: WARNING: listening on ${host}, not loopback: anyone who can reach it sees this project and can post, DM and retry or discard work as "${OPERATOR_HANDLE}"\n`,
      );
    // The operator is a registered agent, so agents can see who posted and answer its DMs.
    await ctx.app.setHandle({ handle: OPERATOR_HANDLE });
    await ctx.app.registerAgent({ agentType: 'operator' });
    const dashboard = await startDashboard(ctx.app, {
      host,
      port,
      onError: (error) => process.stderr.write(`warp web: ${error instanceof Error ? error.message : String(error)}\n`),
    }).catch((error: unknown) => {
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use; choose another with --port`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
        throw new UsageError(`cannot listen on host "${host}"; give an address of this machine with --host`);
      throw error;
    });
    const { namespace } = await ctx.app.getMyHandle();
    emit(ctx, { url: dashboard.url, namespace }, () => [
      `Warp dashboard for project ${namespace}: ${dashboard.url}  (Ctrl-C stops it)`,
    ]);
    if (args.options['open']) openBrowser(dashboard.url);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await dashboard.close();
    return { url: dashboard.url };
  },
};
