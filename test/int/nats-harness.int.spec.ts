import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { natsServerBinary, startNatsCluster, startNatsServer } from '../support/nats-server.js';

const exampleConfig = fileURLToPath(new URL('../../architecture/nats-cluster/node.conf.example', import.meta.url));

function checkConfig(file: string): void {
  const run = spawnSync(natsServerBinary(), ['-t', '-c', file], { encoding: 'utf8' });
  expect(run.status, `${file}\n${run.stdout}${run.stderr}`).toBe(0);
}

describe('nats-server harness', () => {
  it('fails with install advice when the binary is missing', () => {
    expect(() => natsServerBinary(['/nonexistent'])).toThrow(
      /nats-server not found: install it \(apt-get install -y nats-server\)/,
    );
  });

  it('file-storage stream data survives a restart and a crash', async () => {
    const server = await startNatsServer();
    try {
      let nc = await connect({ servers: server.url });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'HARNESS', subjects: ['harness.>'], storage: StorageType.File });
      const first = await jetstream(nc).publish('harness.a', 'survives restart');
      await nc.close();

      const before = server.pid;
      await server.restart();
      expect(server.pid).not.toBe(before);
      nc = await connect({ servers: server.url });
      const second = await jetstream(nc).publish('harness.b', 'survives crash');
      await nc.close();

      await server.kill();
      expect(server.pid).toBeUndefined();
      await server.restart();
      nc = await connect({ servers: server.url });
      const stored = await jetstreamManager(nc);
      expect((await stored.streams.getMessage('HARNESS', { seq: first.seq }))?.string()).toBe('survives restart');
      expect((await stored.streams.getMessage('HARNESS', { seq: second.seq }))?.string()).toBe('survives crash');
      await nc.close();
      await server.stop();
      expect(existsSync(server.storeDir)).toBe(true);
    } finally {
      await server.dispose();
    }
    expect(existsSync(server.storeDir)).toBe(false);
  });

  it('runs without JetStream when asked', async () => {
    const server = await startNatsServer({ jetstream: false });
    try {
      const nc = await connect({ servers: server.url });
      await expect(jetstreamManager(nc)).rejects.toThrow();
      await nc.close();
    } finally {
      await server.dispose();
    }
  });

  it('a 3-node cluster takes an R3 stream', async () => {
    const cluster = await startNatsCluster(3);
    try {
      cluster.configFiles.forEach(checkConfig);
      const nc = await connect({ servers: cluster.urls });
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.add({
        name: 'R3',
        subjects: ['r3.>'],
        storage: StorageType.File,
        num_replicas: 3,
      });
      expect(info.config.num_replicas).toBe(3);
      const ack = await jetstream(nc).publish('r3.x', 'replicated');
      expect(ack.stream).toBe('R3');
      const state = await jsm.streams.info('R3');
      expect(state.state.messages).toBe(1);
      expect(state.cluster?.replicas).toHaveLength(2);
      await nc.close();
    } finally {
      await cluster.dispose();
    }
  }, 60_000);

  it('the shipped cluster config example parses', () => {
    checkConfig(exampleConfig);
  });
});
