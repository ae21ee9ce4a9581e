import type { ReservationView } from '../../../application/index.js';
import { Conflict } from '../../../domain/index.js';
import { listReservationsTool } from '../../mcp/tools/list-reservations.tool.js';
import { releasePathsTool } from '../../mcp/tools/release-paths.tool.js';
import { heldBy, reservePathsTool } from '../../mcp/tools/reserve-paths.tool.js';
import { checkWithTool, intOption } from '../cli-input.js';
import { emit, stringOption, type Command } from '../command.js';

/** Some of the paths asked for are held by others: the CLI exits 2 (rejected) so that scripts can tell. */
class PathsRefused extends Conflict {}

const line = (r: ReservationView): string =>
  `${r.pattern}  ${r.exclusive ? 'exclusive' : 'shared'}  @${r.holder.handle}  until ${r.expiresAt}${r.reason ? `  ${r.reason}` : ''}`;

export const reserve: Command = {
  name: 'reserve',
  usage: 'warp reserve <path...> --as HANDLE [--ttl S] [--reason R] [--shared]',
  summary: 'reserve paths so that other agents do not edit or commit them (again renews)',
  arguments: [
    {
      name: 'path',
      help: 'globs relative to the project root (src/app/**), or absolute paths inside it',
      variadic: true,
    },
  ],
  options: {
    ttl: { type: 'string', value: 'S', help: 'how long it lasts, 1-86400 seconds (default 3600)' },
    reason: { type: 'string', value: 'R', help: 'what you are doing, shown to whoever is refused' },
    shared: { type: 'boolean', help: 'a shared reservation: others may reserve the same paths shared' },
  },
  details: [
    'A reservation made here outlives the command: it ends at its TTL, with `warp release`, or when',
    'the handle is deregistered. Some path refused: the holders are named and the exit code is 2.',
  ],
  async run(ctx, args) {
    const input = checkWithTool(
      reservePathsTool,
      {
        paths: [...args.positionals],
        ttlSeconds: intOption(args, 'ttl'),
        reason: stringOption(args, 'reason'),
        exclusive: args.options['shared'] === true ? false : undefined,
      },
      { paths: '<path>', ttlSeconds: '--ttl', reason: '--reason', exclusive: '--shared' },
    );
    await ctx.app.registerAgent({ agentType: 'cli' });
    const result = await reservePathsTool.run(ctx.app, input);
    emit(ctx, result, () => result.granted.map((r) => `reserved ${line(r)}`));
    if (result.refused.length)
      throw new PathsRefused(
        result.refused
          .map((f) => `${f.pattern} is held by ${f.heldBy.map(heldBy).join(', ')}`)
          .concat('Ask the holder (`warp dm <handle> ...`), wait, or reserve other paths.')
          .join('\n'),
      );
    return result;
  },
};

export const release: Command = {
  name: 'release',
  usage: 'warp release [path...] --as HANDLE',
  summary: "release this handle's reservations of the paths (as reserved), or all of them",
  arguments: [{ name: 'path', help: 'the patterns as reserved (default: all)', optional: true, variadic: true }],
  options: {},
  async run(ctx, args) {
    const input = checkWithTool(
      releasePathsTool,
      { paths: args.positionals.length ? [...args.positionals] : undefined },
      { paths: '<path>' },
    );
    await ctx.app.registerAgent({ agentType: 'cli' });
    const result = await releasePathsTool.run(ctx.app, input);
    emit(ctx, result, () => [result.released.length ? `released ${result.released.join(', ')}` : 'held none of them']);
    return result;
  },
};

export const reservations: Command = {
  name: 'reservations',
  usage: 'warp reservations [path]',
  summary: 'list live path reservations (or those touching a path): holder, reason, expiry',
  arguments: [{ name: 'path', help: 'only reservations covering some of this path or glob', optional: true }],
  options: {},
  async run(ctx, args) {
    const input = checkWithTool(listReservationsTool, { path: args.positionals[0] }, { path: '<path>' });
    const result = await listReservationsTool.run(ctx.app, input);
    emit(ctx, result, () => (result.reservations.length ? result.reservations.map(line) : ['no reservations']));
    return result;
  },
};
