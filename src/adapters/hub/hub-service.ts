import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { Svcm, type ServiceMsg } from '@nats-io/services';
import { createSessionDeps, type BackendPorts, type ReadModels, type Settings } from '../../application/index.js';
import { ValidationError } from '../../domain/index.js';
import { describeIssues } from '../nats/codecs/stored-value-decoder.js';
import type { Clock, IdGenerator, ProcessProbe } from '../../ports/index.js';
import { checkPinned, resolveCaller, VerifiedCredentials, type HubTrust } from './hub-caller.js';
import { DEFAULT_ADMISSION, HubAdmission, type AdmissionCounts, type Admitted } from './hub-admission.js';
import { errorToWire } from './hub-errors.js';
import { Repeats } from './hub-repeats.js';
import { publishWorkNotice } from './work-notice.js';
import { addressedSubject, addressedToMe, HubOwners, LettingGo, unaddressed, type Addressed } from './hub-owners.js';
import { agentInboxPrefix } from '../auth/agent-permissions.js';
import { deferredEvents, type Deferral, type DeferredSender } from './deferred-events.js';
import {
  ACK_HEADER,
  REFUSED_HEADER,
  inInbox,
  HUB_OPS,
  hubOperation,
  isHubOp,
  HUB_QUEUE,
  HUB_SERVICE,
  hubEndpointSubject,
  requestSchema,
  type HubOp,
  type Reply,
} from './hub-protocol.js';
import type { HubNamespace } from './hub-namespace.js';

export interface HubServiceOptions {
  /**
   * The connection requests arrive on and answers leave by. With credentials it is the hub's
   * listening credential, which may not publish to JetStream, KV or Warp's stream subjects (ADR 0030).
   */
  readonly nc: NatsConnection;
  /** The connection that announces new work offers (the backend's); `nc` when not given. */
  readonly notify?: NatsConnection;
  readonly backend: BackendPorts;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly processes: ProcessProbe;
  readonly settings: Settings;
  /** This machine: a holder's pid is only probed for sessions on it. */
  readonly hostname: string;
  readonly version: string;
  /** Loads (and keeps current) the read models of a namespace the first time it is asked about. */
  readonly openModels: (namespace: string) => Promise<HubNamespace>;
  readonly onError: (error: unknown) => void;
  /** Runs one request under one retry budget (the backend's), so the request, not each store call, is bounded. */
  readonly budget?: <T>(request: () => Promise<T>) => Promise<T>;
  /** On a server with credentials: agents are who their credential says, at a bounded rate (ADR 0022). */
  readonly trust?: HubTrust;
  /** What the hub tells in its service INFO besides host and pid: its settings, which sessions compare with theirs (ADR 0035). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Given, a session that asks for it is answered before the append that ends its request is stored (ADR 0026). */
  readonly deferrals?: DeferredSender;
}

export interface RunningHub {
  readonly id: string;
  /** Namespaces whose read models this hub keeps. */
  namespaces(): readonly string[];
  /** Requests taken and not yet answered. */
  inFlight(): number;
  /**
   * Takes no more requests, answers those it has taken (a waiting claim until its own timeout),
   * or gives up on them after `graceMs`, then closes the read models.
   */
  stop(graceMs?: number): Promise<void>;
}

/** What a hub adds to the services framework's STATS: how far behind each namespace is, and what it skipped. */
interface HubStatsData {
  readonly lag: Record<string, number>;
  readonly skipped: Record<string, number>;
  /** Requests turned away before any work: no answer (bad reply subject), or refused (rate, bounds). */
  readonly admission: AdmissionCounts;
  /** Hubs this one knows of, itself included: they divide the projects (ADR 0038). */
  readonly hubs: number;
  /** Requests heard on this hub's own subjects (a session's straight to it, or another hub's), which no endpoint counts. */
  readonly addressed: number;
}

/** For sessions on other machines: their processes cannot be seen from here, so liveness rests on heartbeats. */
const REMOTE_PROCESSES: ProcessProbe = { isAlive: () => true };

/**
 * Serves the use cases to thin sessions as the `warp-hub` NATS service: one endpoint per operation,
 * answered by whichever hub of the queue group gets it. The hub keeps one set of read models per
 * namespace and rebuilds the asking session from each request, so no request depends on which hub
 * answered the one before.
 */
export async function startHubService(options: HubServiceOptions): Promise<RunningHub> {
  const { backend, settings } = options;
  const models = new Map<string, Promise<HubNamespace>>();
  const modelsOf = (namespace: string): Promise<HubNamespace> => {
    let loading = models.get(namespace);
    if (!loading) {
      loading = options.openModels(namespace);
      // A load that failed (NATS away) is tried again by the next request instead of being remembered.
      loading.catch(() => models.delete(namespace));
      models.set(namespace, loading);
    }
    return loading;
  };

  const admission = new HubAdmission(options.trust !== undefined, {
    ...DEFAULT_ADMISSION,
    ...(options.trust ? { ratePerSecond: options.trust.ratePerSecond } : {}),
  });
  const verified = new VerifiedCredentials();
  const repeats = new Repeats();
  const deferralOf = (op: HubOp, msg: Msg, guid: string | undefined): Deferral | undefined => {
    const { deferrals } = options;
    if (!deferrals || !hubOperation(op).appendsLast) return undefined;
    // Only subjects of the caller's own inbox: an agent's credential confines its replies to `_INBOX_<guid>`.
    const inbox = guid !== undefined ? agentInboxPrefix(guid) : '_INBOX';
    const refused = msg.headers?.get(REFUSED_HEADER);
    if (refused && inInbox(refused, inbox)) deferrals.refusedDeferred(refused);
    const replyTo = msg.headers?.get(ACK_HEADER);
    if (!replyTo || !inInbox(replyTo, inbox)) return undefined;
    return deferredEvents(backend.events, deferrals, replyTo);
  };
  /**
   * The reply, and what goes out with it in one write: a deferred append (ADR 0026), and for a new
   * offer the notice that announces it.
   */
  const answer = async (op: HubOp, msg: Msg, caller: Admitted): Promise<{ reply: Reply; before?: () => void }> => {
    let deferral: Deferral | undefined;
    let turn: ReturnType<Repeats['take']> | undefined;
    try {
      const body = parseJson(msg.string());
      if (body === undefined) throw new ValidationError('request', 'malformed: not JSON');
      const request = requestSchema.safeParse(body);
      if (!request.success) throw new ValidationError('request', `malformed: ${describeIssues(request.error)}`);
      const wire = request.data.session;
      // The namespace is in the subject, so a permission on subjects confines a credential to its project.
      if (caller.namespace !== wire.namespace)
        throw new ValidationError('request', 'it names another namespace than its subject');
      const now = options.clock.now();
      const { session, identity } = resolveCaller(
        options.trust,
        verified,
        caller.caller,
        wire,
        request.data.credential,
        now,
      );
      checkPinned(op, identity, request.data.input);
      const { models: shared } = await modelsOf(wire.namespace);
      const processes = wire.hostname === options.hostname ? options.processes : REMOTE_PROCESSES;
      deferral = deferralOf(op, msg, identity?.guid);
      const ports = deferral ? { ...backend, events: deferral.events } : backend;
      const id = request.data.id;
      const operation = hubOperation(op);
      const deps = createSessionDeps(ports, options.clock, options.ids, session, settings, processes, shared, {
        ...(id !== undefined ? { requestId: id } : {}),
        ...(operation.waits ? { released: caller.released } : {}),
      });
      // A request asked again gets what the first of its id did, once that is decided (ADR 0037).
      turn = id !== undefined && !operation.reads ? repeats.take(`${caller.caller}:${id}`) : undefined;
      const first = await turn?.earlier;
      if (first) {
        deferral?.drop();
        return { reply: first };
      }
      // The use cases check their own input, as for a call in process; none is given as null.
      const run = (): Promise<unknown> => operation.run(deps, (request.data.input ?? {}) as never);
      const result = await (options.budget && !operation.waits ? options.budget(run) : run());
      if (identity && session.guid !== undefined && session.guid !== identity.guid)
        throw new Error(`agent ${identity.handle} registered under another guid than its credential's`);
      const reply: Reply = {
        ok: true,
        result,
        hub: hubId,
        session: {
          ...(session.handle !== undefined ? { handle: session.handle } : {}),
          ...(session.guid !== undefined ? { guid: session.guid } : {}),
        },
        ...(deferral?.deferred() ? { deferred: true as const } : {}),
      };
      const sending = deferral;
      turn?.done(
        sending?.deferred()
          ? sending.stored().then((ok) => (ok ? stripDeferred(reply) : undefined))
          : Promise.resolve(reply),
      );
      turn = undefined;
      return {
        reply,
        before: () => {
          sending?.send();
          if (op === 'broadcastWorkOffer')
            publishWorkNotice(options.notify ?? options.nc, wire.namespace, result, options.onError);
        },
      };
    } catch (error) {
      // A request that failed after all stores nothing it deferred.
      deferral?.drop();
      const wire = errorToWire(error);
      if (wire.kind === 'internal') options.onError(error);
      const reply: Reply = { ok: false, error: wire };
      // A refusal is the outcome; a failure for want of NATS (or a bug) is decided anew when asked again.
      turn?.done(Promise.resolve(wire.kind === 'domain' ? reply : undefined));
      return { reply };
    }
  };

  // Asked once per endpoint by a STATS request: one answer serves them all for a moment.
  let lagged: { at: number; data: Promise<Record<string, number>> } | undefined;
  const lags = async (): Promise<HubStatsData> => {
    if (!lagged || Date.now() - lagged.at > 1_000) {
      const data = (async () => {
        const lag: Record<string, number> = {};
        for (const [namespace, loading] of models) lag[namespace] = await (await loading).lag().catch(() => -1);
        return lag;
      })();
      lagged = { at: Date.now(), data };
    }
    return {
      lag: await lagged.data,
      skipped: { ...backend.quarantine.counts() },
      admission: admission.counted(),
      hubs: owners?.known() ?? 1,
      addressed,
    };
  };

  const svcm = new Svcm(options.nc as never);
  const service = await svcm.add({
    name: HUB_SERVICE,
    version: options.version,
    description: 'Warp hub: decides commands and serves read models for thin sessions',
    queue: HUB_QUEUE,
    // `owners`: this hub takes requests passed on by others (ADR 0038); a hub without it (older) is no owner.
    metadata: { ...options.metadata, hostname: options.hostname, pid: String(process.pid), owners: '1' },
    statsHandler: () => lags(),
  });
  // What a stopping hub still owes: its answers go out before the connection closes.
  const answering = new Set<Promise<void>>();
  const hubId = service.info().id;
  const owners = options.notify ? new HubOwners(hubId) : undefined;
  const serve = (op: HubOp, msg: Msg, subject: string, forwarded: boolean): void => {
    // Before anything else, and for every request: where the answer may go, and whether this caller may ask now.
    const admitted = admission.admit(op, subject, msg.reply, options.clock.now());
    if (admitted.kind === 'dropped') return;
    if (admitted.kind === 'refused') return respond(options.nc, msg, { ok: false, error: errorToWire(admitted.error) });
    // Another hub decides this namespace: it gets the request as it came, and answers the caller itself.
    const owner = forwarded ? undefined : owners?.elsewhere(admitted.namespace);
    if (owner) {
      admitted.done();
      options.notify!.publish(addressedSubject('fwd', owner, op, admitted.namespace, admitted.caller), msg.data, {
        reply: msg.reply!,
        ...(msg.headers ? { headers: msg.headers } : {}),
      });
      return;
    }
    const answered = answer(op, msg, admitted)
      .then(({ reply, before }) => {
        before?.();
        respond(options.nc, msg, reply);
      })
      .catch(options.onError)
      .finally(() => {
        admitted.done();
        answering.delete(answered);
      });
    answering.add(answered);
  };
  for (const op of HUB_OPS)
    service.addEndpoint(op, {
      subject: hubEndpointSubject(op),
      // The services package (a prerelease) types its messages against its own copy of nats-core.
      handler: (error, msg: ServiceMsg) =>
        error ? options.onError(error) : serve(op, msg as unknown as Msg, msg.subject, false),
    });
  // Requests meant for this hub: passed on by another (decided here), or sent straight here by a
  // session this hub answered before (passed on should the project have moved).
  let addressed = 0;
  const hear = (how: Addressed) =>
    options.nc.subscribe(addressedToMe(how, hubId), {
      callback: (error, msg) => {
        if (error) return options.onError(error);
        const meant = unaddressed(how, msg.subject);
        if (!meant || !isHubOp(meant.op)) return;
        addressed++;
        serve(meant.op, msg, meant.subject, how === 'fwd');
      },
    });
  const direct = owners ? [hear('fwd'), hear('to')] : [];
  // The read models of projects another hub now decides are let go (after requests under way are answered).
  const lettingGo = new LettingGo(LET_GO_AFTER_MS);
  const letGo = (): void => {
    for (const namespace of lettingGo.due(models.keys(), (ns) => owners!.elsewhere(ns) !== undefined, Date.now())) {
      const loading = models.get(namespace)!;
      models.delete(namespace);
      void loading.then((kept) => kept.close()).catch(() => undefined);
    }
  };
  const unwatchPeers = owners ? watchPeers(options.notify!, owners, options.onError, letGo) : () => {};
  const unwatchWaits = options.notify ? watchWaiters(options.notify, admission) : () => {};
  return {
    id: hubId,
    namespaces: () => [...models.keys()],
    inFlight: () => answering.size,
    async stop(graceMs = 0) {
      unwatchPeers();
      unwatchWaits();
      for (const sub of direct) sub.unsubscribe();
      await service.stop().catch(options.onError);
      if (answering.size > 0 && graceMs > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled(answering),
          new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
        ]);
        clearTimeout(timer);
      }
      const loaded = await Promise.allSettled(models.values());
      for (const entry of loaded) if (entry.status === 'fulfilled') await entry.value.close().catch(options.onError);
    },
  };
}

/** How long a project another hub now decides keeps its read models here: longer than any request's wait. */
const LET_GO_AFTER_MS = 60_000;

/** How often a hub asks which hubs answer, to know who decides each namespace (ADR 0038). */
const PEERS_EVERY_MS = 1_000;

/** Keeps `owners` up to date with the hubs that answer a PING; a hub gone is left out at the next one. */
function watchPeers(
  nc: NatsConnection,
  owners: HubOwners,
  onError: (error: unknown) => void,
  looked: () => void,
): () => void {
  const client = new Svcm(nc as never).client({ strategy: 'stall', maxWait: PEERS_EVERY_MS / 2 } as never);
  let looking = false;
  const look = async (): Promise<void> => {
    if (looking) return;
    looking = true;
    try {
      const ids: string[] = [];
      for await (const peer of await client.ping(HUB_SERVICE)) if (peer.metadata?.['owners'] === '1') ids.push(peer.id);
      owners.update(ids);
      looked();
    } catch (error) {
      // No answer at all (NATS away): keep what is known; another look follows.
      if (!(error instanceof Error && /no responders|timeout/i.test(error.message))) onError(error);
    } finally {
      looking = false;
    }
  };
  void look();
  const timer = setInterval(() => void look(), PEERS_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** How often a hub asks whether the callers of its waits are still there. */
const WAITERS_EVERY_MS = 5_000;

/**
 * Ends the waits of callers that have gone: a request to a subject of the inbox a wait answers to
 * gets the server's "no responders" once no connection listens there (a live session's reply
 * subscription takes it and lets it be), so a wait is not held until its timeout for no one.
 */
function watchWaiters(nc: NatsConnection, admission: HubAdmission): () => void {
  const timer = setInterval(() => {
    for (const inbox of admission.waitingInboxes())
      nc.request(`${inbox}.warp-probe`, '', { timeout: WAITERS_EVERY_MS / 2 }).catch((error: unknown) => {
        if (error instanceof Error && /no responders/i.test(error.message)) admission.releaseWaitsAt(inbox);
      });
  }, WAITERS_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** A deferred answer as a repeat gets it: its append is stored, so nothing more is to be waited for. */
function stripDeferred(reply: Reply): Reply {
  if (!reply.ok || !reply.deferred) return reply;
  const { deferred: _deferred, ...settled } = reply;
  return settled;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Sends the reply. One larger than the server takes (a long work history, say) is refused by the
 * client; the session is told so at once instead of waiting out its timeout.
 */
function respond(nc: NatsConnection, msg: Msg, reply: Reply): void {
  const body = JSON.stringify(reply);
  const max = nc.info?.max_payload;
  const size = Buffer.byteLength(body);
  if (max === undefined || size <= max) return void msg.respond(body);
  const tooLarge: Reply = {
    ok: false,
    error: {
      kind: 'domain',
      code: 'too_large',
      message:
        `The answer is ${size} bytes, more than this NATS server takes (max_payload ${max}): ` +
        'ask for less (a smaller limit), or raise max_payload in the server configuration.',
    },
  };
  msg.respond(JSON.stringify(tooLarge));
}
export type { ReadModels };
