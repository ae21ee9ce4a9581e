import { DEFAULT_NATS_URL } from '../../config/index.js';
import { localDataDir, localNatsPid, stopLocalNats } from '../../system/local-nats-server.js';
import { emit, group, type Command } from '../command.js';

const status: Command = {
  name: 'status',
  usage: 'warp local-server status',
  summary: 'whether the nats-server Warp started on this machine runs, and where its data is',
  arguments: [],
  options: {},
  async run(ctx) {
    const pid = localNatsPid(ctx.env);
    const result = {
      running: pid !== undefined,
      ...(pid !== undefined ? { pid } : {}),
      dataDir: localDataDir(ctx.env),
    };
    emit(ctx, result, () => [
      pid !== undefined
        ? `running (pid ${pid}) on ${DEFAULT_NATS_URL}, data in ${result.dataDir}`
        : `not running (data, if any, in ${result.dataDir})`,
    ]);
    return result;
  },
};

const stop: Command = {
  name: 'stop',
  usage: 'warp local-server stop',
  summary: 'stop it (its data stays; the next agent starts it again)',
  arguments: [],
  options: {},
  async run(ctx) {
    const stopped = await stopLocalNats(ctx.env);
    emit(ctx, { stopped }, () => [
      stopped ? 'stopped the local nats-server' : 'no local nats-server started by Warp runs',
    ]);
    return { stopped };
  },
};

export const localServer = group(
  'local-server',
  'the nats-server Warp starts when NATS_URL is unset',
  [status, stop],
  [
    'With no NATS_URL and nothing on nats://localhost:4222, the first agent starts nats-server there',
    '(JetStream, loopback only) and it keeps running after every session ends, for the next one.',
  ],
);
