import { constants } from 'node:os';
import { EXIT } from '../exit-codes.js';
import type { Command } from '../command.js';

export const hub: Command = {
  name: 'hub',
  usage: 'warp hub',
  summary: "serve Warp's shared state to the sessions on this NATS (runs until stopped)",
  arguments: [],
  options: {},
  details: [
    'The hub decides work, agent and channel commands and answers the queries over read models for',
    'every session on its NATS server; sessions replay nothing. Several hubs may run on one NATS: they',
    'share the requests (a queue group) and killing one loses nothing. On a NATS server without',
    'credentials the first session starts a hub on its machine when none answers; it exits by itself',
    'when its NATS server is gone for a minute (WARP_HUB_ORPHAN_MS), and starts a hub of the new build',
    'and makes way when Warp is rebuilt or upgraded under it. Asked to stop (SIGTERM, Ctrl-C), a hub',
    'takes no more requests and answers those it took (a waiting claim_work until its timeout, up to',
    '75 s); the same signal again stops it at once. Logs go to stderr (LOG_LEVEL).',
  ],
  async run() {
    throw new Error('warp hub runs on its own');
  },
  async standalone(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      const { commandHelp } = await import('../help.js');
      await io.out(`${commandHelp([hub], {})}\n`);
      return EXIT.ok;
    }
    if (argv.length > 0) {
      process.stderr.write(`warp hub: takes no arguments (got ${argv.join(' ')}); see \`warp hub --help\`\n`);
      return EXIT.usage;
    }
    const [{ openHub }, { guardProcess }, { version }] = await Promise.all([
      import('../../../composition/hub.js'),
      import('../process-guard.js'),
      import('../version.js'),
    ]);
    const running = await openHub(process.env, process.cwd(), version);
    guardProcess(running.logger);
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
      process.once(signal, () => {
        // Said, not left to the default action: as a container's first process, node would ignore it.
        process.once(signal, () => process.exit(128 + constants.signals[signal]));
        void running.stop(`received ${signal} (again stops it at once)`);
      });
    await running.stopped;
    return EXIT.ok;
  },
};
