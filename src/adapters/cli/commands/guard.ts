import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Conflict, patternsOverlap, toProjectPattern, ValidationError } from '../../../domain/index.js';
import { findProjectRoot } from '../../config/project-root.js';
import { installGuard, stagedPaths, uninstallGuard, workTreeRoot } from '../../system/git-guard.js';
import { heldBy } from '../../mcp/tools/reserve-paths.tool.js';
import { emit, group, stringOption, type CliContext, type Command, type ParsedArgs } from '../command.js';
import { UsageError } from '../exit-codes.js';
import { warpCommand } from './setup.js';

/** A commit is not held up longer than this by a Warp that does not answer: it goes ahead, with a warning. */
const CHECK_WITHIN_MS = 10_000;

class CommitRefused extends Conflict {}

const repoOf = (ctx: CliContext, args: ParsedArgs): string => resolve(ctx.cwd, stringOption(args, 'repo') ?? '.');

const install: Command = {
  name: 'install',
  usage: 'warp guard install [--repo DIR] --as HANDLE',
  summary: "add a git pre-commit hook refusing commits of paths another agent reserved (HANDLE's own pass)",
  arguments: [],
  options: { repo: { type: 'string', value: 'DIR', help: 'the repository (default: the current directory)' } },
  details: [
    'A pre-commit hook already there is kept and run first. WARP_GUARD=off or `git commit --no-verify`',
    'skips the check; a Warp that cannot be reached is reported and the commit goes ahead.',
  ],
  async run(ctx, args) {
    const handle = stringOption(args, 'as');
    if (!handle)
      throw new UsageError(
        'guard install: --as HANDLE is required: the agent whose own reservations do not stop its commits',
      );
    const warp = warpCommand();
    const report = installGuard(repoOf(ctx, args), handle, [warp.command, ...warp.args]);
    emit(ctx, { installed: true, report }, () => report);
    return report;
  },
};

const uninstall: Command = {
  name: 'uninstall',
  usage: 'warp guard uninstall [--repo DIR]',
  summary: 'remove the pre-commit hook `warp guard install` added (and put back the one it chained)',
  arguments: [],
  options: { repo: { type: 'string', value: 'DIR', help: 'the repository (default: the current directory)' } },
  async run(ctx, args) {
    const report = uninstallGuard(repoOf(ctx, args));
    emit(ctx, { report }, () => report);
    return report;
  },
};

const check: Command = {
  name: 'check',
  usage: 'warp guard check --agent HANDLE',
  summary: 'what the pre-commit hook runs: refuse if a staged path is reserved exclusively by another agent',
  arguments: [],
  options: { agent: { type: 'string', value: 'HANDLE', help: 'the agent committing (its own reservations pass)' } },
  async run(ctx, args) {
    const agent = stringOption(args, 'agent');
    const top = workTreeRoot(ctx.cwd);
    const staged = stagedPaths(ctx.cwd);
    if (staged.length === 0) return { refused: [] };
    const root = findProjectRoot(resolve(ctx.cwd, ctx.env['MCP_PROJECT_PATH'] ?? '.'));
    let listed;
    try {
      listed = await Promise.race([
        ctx.app.listReservations({}),
        sleep(CHECK_WITHIN_MS, undefined, { ref: false }).then(() => {
          throw new Error(`no answer within ${CHECK_WITHIN_MS / 1000} s`);
        }),
      ]);
    } catch (error) {
      // The guard never stands between a person and their commit because Warp is away.
      process.stderr.write(
        `warp guard: cannot check path reservations (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); the commit goes ahead unchecked.\n`,
      );
      return { refused: [], checked: false };
    }
    const others = listed.reservations.filter((r) => r.exclusive && r.holder.handle !== agent);
    const refused = staged.flatMap((path) => {
      let pattern: string;
      try {
        pattern = toProjectPattern('path', join(top, path), root);
      } catch (error) {
        if (error instanceof ValidationError) return [];
        throw error;
      }
      const blockers = others.filter((r) => patternsOverlap(r.pattern, pattern));
      return blockers.length ? [{ path, heldBy: blockers }] : [];
    });
    if (refused.length)
      throw new CommitRefused(
        [
          `commit refused: ${refused.length === 1 ? 'a staged path is' : 'staged paths are'} reserved by another agent (Warp path reservations):`,
          ...refused.map((r) => `  ${r.path}: ${r.heldBy.map(heldBy).join(', ')}`),
          'Ask the holder (`warp dm <handle> ...`), wait for the release (`warp reservations`), or unstage those paths.',
          'To commit anyway: WARP_GUARD=off git commit ..., or git commit --no-verify.',
        ].join('\n'),
      );
    emit(ctx, { refused: [] }, () => []);
    return { refused: [] };
  },
};

export const guard = group('guard', 'a git pre-commit hook that refuses commits of paths other agents reserved', [
  install,
  uninstall,
  check,
]);
