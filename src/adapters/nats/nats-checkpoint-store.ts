import { randomUUID } from 'node:crypto';
import { JetStreamApiError } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { z } from 'zod';
import type { Checkpoint, CheckpointStore } from '../../ports/index.js';
import { checkpointSchema } from './codecs/domain-schemas.js';
import { stringifyInSlices } from './codecs/sliced-json.js';
import type { StoredValueDecoder } from './codecs/stored-value-decoder.js';
import type { NatsBackendConnection } from './nats-connection.js';
import { CHECKPOINT_STREAM, checkpointStreamConfig, checkpointSubject, ensureStream } from './nats-names.js';
import { retryTransient } from './transient.js';

/** Well below nats-server's default max_payload (1 MiB). */
const CHUNK_BYTES = 256 * 1024;
const NO_MESSAGE = 10037;
const HEAD = 'head';
/**
 * The manifests this store writes and reads. Those without one were written before ADR 0029, by
 * hubs whose feeds a rollup could move past batches: their models may lack stored work, and their
 * position says it was delivered, so a hub restored from one would never see it. Not read: the
 * first start after the upgrade replays the namespace in full instead.
 */
const MANIFEST_VERSION = 2;

/** Where a checkpoint's chunks are: read in order, they make its JSON. */
const manifestSchema = z.object({
  id: z.string().regex(/^[a-z0-9]{1,64}$/),
  chunks: z.array(z.number().int().positive()),
  v: z.number().int().positive().optional(),
});

/**
 * Checkpoints in the stream WARP_CHECKPOINTS, chunked since one may be several MB: the chunks
 * first, then a manifest on the namespace's head subject (rolled up, so only the newest is kept),
 * then the previous checkpoint's chunks are purged. A load that finds a chunk gone (a concurrent
 * save purged it) or anything undecodable loads nothing: a full replay is always correct.
 */
export class NatsCheckpointStore implements CheckpointStore {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly conn: NatsBackendConnection,
    private readonly replicas: number,
    private readonly decoder: StoredValueDecoder,
  ) {}

  private ensure(): Promise<void> {
    this.ready ??= retryTransient(
      () => ensureStream(this.conn.jsm, checkpointStreamConfig(this.replicas)),
      this.conn.retry,
    ).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async message(query: { seq: number } | { last_by_subj: string }) {
    try {
      return await retryTransient(() => this.conn.jsm.streams.getMessage(CHECKPOINT_STREAM, query), this.conn.retry);
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === NO_MESSAGE) return undefined;
      throw error;
    }
  }

  private async head(namespace: string) {
    const head = await this.message({ last_by_subj: checkpointSubject(namespace, HEAD) });
    if (!head) return undefined;
    const origin = { source: CHECKPOINT_STREAM, subject: head.subject, sequence: head.seq };
    return this.decoder.decode(manifestSchema, head.data, origin);
  }

  async load(namespace: string): Promise<Checkpoint | undefined> {
    await this.ensure();
    const manifest = await this.head(namespace);
    if (manifest?.v !== MANIFEST_VERSION) return undefined;
    const subject = checkpointSubject(namespace, manifest.id);
    const parts: Uint8Array[] = [];
    for (const seq of manifest.chunks) {
      const chunk = await this.message({ seq });
      if (chunk?.subject !== subject) return undefined;
      parts.push(chunk.data);
    }
    return this.decoder.decode(checkpointSchema, Buffer.concat(parts), {
      source: CHECKPOINT_STREAM,
      subject,
      sequence: manifest.chunks[0] ?? 0,
    });
  }

  async save(namespace: string, checkpoint: Checkpoint): Promise<void> {
    await this.ensure();
    const previous = await this.head(namespace);
    const id = randomUUID().replaceAll('-', '');
    const subject = checkpointSubject(namespace, id);
    // Encoded in slices: in one piece, a checkpoint of a few hundred thousand items held the hub's event loop for 200 ms.
    const bytes = Buffer.from(await stringifyInSlices(checkpoint));
    const chunks: number[] = [];
    for (let at = 0; at < bytes.length || chunks.length === 0; at += CHUNK_BYTES) {
      const ack = await retryTransient(
        () => this.conn.publisher.publish(subject, bytes.subarray(at, at + CHUNK_BYTES)),
        this.conn.retry,
      );
      chunks.push(ack.seq);
    }
    const rollup = headers();
    rollup.set('Nats-Rollup', 'sub');
    await retryTransient(
      () =>
        this.conn.publisher.publish(
          checkpointSubject(namespace, HEAD),
          JSON.stringify({ id, chunks, v: MANIFEST_VERSION }),
          {
            headers: rollup,
          },
        ),
      this.conn.retry,
    );
    if (previous && previous.id !== id) {
      const filter = checkpointSubject(namespace, previous.id);
      await retryTransient(() => this.conn.jsm.streams.purge(CHECKPOINT_STREAM, { filter }), this.conn.retry);
    }
  }
}
