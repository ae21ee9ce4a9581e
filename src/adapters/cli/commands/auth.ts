import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

const USAGE = [
  'warp auth init --dir DIR [--max-storage BYTES] [--max-memory BYTES] [--max-streams N] [--max-consumers N]',
  'warp auth add-agent --dir DIR --project NS --name HANDLE [--user USER] [--max-payload BYTES]',
  'warp auth revoke --dir DIR --project NS --name HANDLE [--server URL]',
  'warp auth list --dir DIR',
  'warp auth listen-creds --dir DIR',
];

const HELP = [
  'usage:',
  ...USAGE.map((u) => `  ${u}`),
  '',
  'Least privilege on a shared NATS server (ADR 0022), with NATS decentralized JWT authentication:',
  '  init       writes DIR/nats-server.conf (operator mode, JetStream, system account, a resolver that',
  '             takes revocations live), DIR/hub.creds (the hub: may administer Warp streams and',
  '             buckets), DIR/hub-listen.creds (the hub hears and answers requests with it: no',
  '             JetStream, no Warp subjects) and DIR/sys.creds (used by revoke); refuses to replace',
  '             existing keys. Run warp hub with NATS_CREDS=DIR/hub.creds; it finds the other beside it.',
  '             Start the server: nats-server -c DIR/nats-server.conf -p 4222 -sd STORE_DIR',
  '  add-agent  writes one agent credential (prints its path last): the agent is HANDLE in project NS',
  '             and can only ask the hub as itself and hear its own replies and notices.',
  '  revoke     revokes an agent credential and tells the running server (NATS_URL or --server;',
  '             its agents are disconnected at once); a server started later reads it from the config.',
  '  list       the agents credentials were issued for.',
  '  listen-creds  (re)writes DIR/hub-listen.creds, for a directory made before it existed.',
  'Hand each agent its .creds file as NATS_CREDS; keys and credentials are never printed.',
];

class AuthUsage extends Error {}

const need = (value: string | undefined, name: string): string => {
  if (!value) throw new AuthUsage(`--${name} is required; see \`warp auth --help\``);
  return value;
};

const count = (value: string | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value) || Number(value) < -1)
    throw new AuthUsage(`--${name}: expected a number or -1 (no limit)`);
  return Number(value);
};

export const auth: Command = {
  name: 'auth',
  usage: 'warp auth init|add-agent|revoke|list|listen-creds --dir DIR ...',
  summary: 'provision NATS credentials: server config, the hub, one per agent (least privilege)',
  run: () => Promise.reject(new AuthUsage('warp auth runs on its own; call it as a command')),
  async standalone(argv, io) {
    try {
      const { positionals, values } = parseArgs({
        args: [...argv],
        allowPositionals: true,
        strict: true,
        options: {
          dir: { type: 'string' },
          project: { type: 'string' },
          name: { type: 'string' },
          user: { type: 'string' },
          server: { type: 'string' },
          'max-payload': { type: 'string' },
          'max-storage': { type: 'string' },
          'max-memory': { type: 'string' },
          'max-streams': { type: 'string' },
          'max-consumers': { type: 'string' },
          json: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
      if (values.help || positionals.length === 0) {
        await io.out(`${HELP.join('\n')}\n`);
        return values.help ? EXIT.ok : EXIT.usage;
      }
      const [{ AuthDirectory }, provisioning] = await Promise.all([
        import('../../auth/auth-directory.js'),
        import('../../auth/auth-provisioning.js'),
      ]);
      const dir = new AuthDirectory(need(values.dir, 'dir'));
      const [action, ...rest] = positionals;
      if (rest.length > 0) throw new AuthUsage(`unexpected ${rest.join(' ')}`);
      switch (action) {
        case 'init': {
          const d = provisioning.DEFAULT_QUOTA;
          await provisioning.initAuthority(dir, {
            maxStorageBytes: count(values['max-storage'], 'max-storage', d.maxStorageBytes),
            maxMemoryBytes: count(values['max-memory'], 'max-memory', d.maxMemoryBytes),
            maxStreams: count(values['max-streams'], 'max-streams', d.maxStreams),
            maxConsumers: count(values['max-consumers'], 'max-consumers', d.maxConsumers),
          });
          await io.out(
            `server configuration: ${dir.serverConfig}\nhub credentials: ${dir.hubCreds} ` +
              `(and ${dir.hubListenCreds} beside it, which warp hub answers requests with)\n`,
          );
          await io.out(`start: nats-server -c ${dir.serverConfig} -p 4222 -sd STORE_DIR\n`);
          return EXIT.ok;
        }
        case 'add-agent': {
          const file = await provisioning.addAgent(dir, {
            namespace: need(values.project, 'project'),
            handle: need(values.name, 'name'),
            user: values.user ?? userInfo().username,
            maxPayload: count(values['max-payload'], 'max-payload', provisioning.DEFAULT_AGENT_PAYLOAD),
          });
          await io.out(`${file}\n`);
          return EXIT.ok;
        }
        case 'revoke': {
          const { jwt, revoked } = await provisioning.revokeAgent(
            dir,
            need(values.project, 'project'),
            need(values.name, 'name'),
          );
          await io.out(`revoked ${revoked.map((r) => r.creds).join(', ')}\n`);
          const server = values.server ?? process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
          const { pushAccountJwt } = await import('../../auth/claims-update.js');
          try {
            await pushAccountJwt(server, dir.systemCreds, jwt);
            await io.out(`the server at ${server} applied it\n`);
          } catch (error) {
            process.stderr.write(
              `warp auth: the server at ${server} was not told (${error instanceof Error ? error.message : String(error)}); ` +
                'it applies the revocation when started again with the rewritten configuration\n',
            );
            return EXIT.failed;
          }
          return EXIT.ok;
        }
        case 'list': {
          const agents = dir.agents();
          if (values.json) await io.out(`${JSON.stringify(agents)}\n`);
          else
            for (const a of agents)
              await io.out(
                `${a.namespace}\t${a.handle}\t${a.user}\t${a.guid}\t${a.revokedAt ? `revoked ${a.revokedAt}` : 'active'}\n`,
              );
          return EXIT.ok;
        }
        case 'listen-creds':
          await io.out(`${await provisioning.issueHubListener(dir)}\n`);
          return EXIT.ok;
        default:
          throw new AuthUsage(`unknown action ${JSON.stringify(action)}; see \`warp auth --help\``);
      }
    } catch (error) {
      process.stderr.write(`warp auth: ${error instanceof Error ? error.message : String(error)}\n`);
      return error instanceof AuthUsage || error instanceof TypeError ? EXIT.usage : EXIT.failed;
    }
  },
};
