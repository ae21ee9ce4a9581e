import { projectNamespace } from '../../../composition/runtime.js';
import { loadEnv, loadProjectConfig, type WarpEnv } from '../../config/index.js';
import { emit, type Command } from '../command.js';
import { errorText as message, type Check, type CheckStatus } from './doctor-check.js';
import { natsChecks } from './doctor-nats.js';

export class DoctorFoundProblems extends Error {
  constructor(count: number) {
    super(`${count} check${count === 1 ? '' : 's'} found a problem; each says how to fix it`);
    this.name = 'DoctorFoundProblems';
  }
}

const MIN_NODE = 20;

function nodeCheck(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= MIN_NODE
    ? { name: 'node', status: 'ok', detail: `v${process.versions.node} (Warp needs ${MIN_NODE} or later)` }
    : {
        name: 'node',
        status: 'problem',
        detail: `v${process.versions.node} is too old`,
        fix: `install Node ${MIN_NODE} or later (https://nodejs.org, or nvm install ${MIN_NODE})`,
      };
}

/** Every check, in the order a newcomer would fix them; a check that depends on a failed one is skipped. */
export async function runChecks(processEnv: NodeJS.ProcessEnv, cwd: string): Promise<Check[]> {
  const checks: Check[] = [nodeCheck()];
  let env: WarpEnv;
  try {
    env = loadEnv(processEnv, cwd);
  } catch (error) {
    return [
      ...checks,
      {
        name: 'config',
        status: 'problem',
        detail: message(error),
        fix: 'correct the environment variables named above (README: Configuration)',
      },
    ];
  }
  try {
    const project = loadProjectConfig(env.projectPath);
    checks.push({
      name: 'config',
      status: 'ok',
      detail: project.path
        ? `${project.path} (${project.channels.length} channels)`
        : 'environment ok; no .loom-config.json (default channels)',
    });
    const { namespace, source } = projectNamespace(env, project);
    checks.push(
      source === 'path'
        ? {
            name: 'namespace',
            status: 'note',
            detail: `${namespace}, derived from the folder path: a clone of this project elsewhere gets another namespace`,
            fix: 'to share one namespace across machines, set "namespace" in .loom-config.json or WARP_NAMESPACE, or add a git remote',
          }
        : {
            name: 'namespace',
            status: 'ok',
            detail: `${namespace} (from ${{ config: '.loom-config.json', env: 'WARP_NAMESPACE', git: 'the git remote', path: 'the path' }[source]})`,
          },
    );
  } catch (error) {
    checks.push({
      name: 'config',
      status: 'problem',
      detail: message(error),
      fix: 'fix the field named above in .loom-config.json (schema: schema/loom-config.schema.json)',
    });
    checks.push({ name: 'namespace', status: 'skipped', detail: 'needs a valid configuration' });
  }
  if (env.backend === 'memory') {
    for (const name of ['nats', 'jetstream', 'credentials', 'hub'])
      checks.push({
        name,
        status: 'n/a',
        detail: 'WARP_BACKEND=memory: one process, nothing shared with other agents',
      });
  } else {
    checks.push(...(await natsChecks(env, processEnv)));
  }
  return checks;
}

const LABEL: Readonly<Record<CheckStatus, string>> = {
  ok: 'ok',
  note: 'note',
  problem: 'PROBLEM',
  skipped: 'skipped',
  'n/a': 'n/a',
};

export const doctor: Command = {
  name: 'doctor',
  usage: 'warp doctor',
  summary: 'check the setup (Node, config, namespace, NATS, JetStream, credentials) and say how to fix it',
  arguments: [],
  options: {},
  details: ['Exits 1 when a check finds a problem. It starts nothing and changes nothing.'],
  async run(ctx) {
    const checks = await runChecks(ctx.env, ctx.cwd);
    const problems = checks.filter((c) => c.status === 'problem').length;
    emit(ctx, { ok: problems === 0, checks }, () =>
      checks.flatMap((c) => [
        `${LABEL[c.status].padEnd(8)} ${c.name.padEnd(12)} ${c.detail}`,
        ...(c.fix ? [`${''.padEnd(8)} ${''.padEnd(12)} fix: ${c.fix}`] : []),
      ]),
    );
    if (problems > 0) throw new DoctorFoundProblems(problems);
    return checks;
  },
};
