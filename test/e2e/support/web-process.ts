import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from '../../support/stdio-agent.js';

export interface WebProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
}

/** The built `warp web`; resolves with its URL once it prints it (or rejects with its stderr when it exits). */
export async function startWeb(args: string[], extraEnv: Record<string, string>): Promise<WebProcess> {
  const child = spawn(process.execPath, [BIN, 'web', ...args], {
    env: { ...process.env, LOG_LEVEL: 'WARN', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (found) resolve(found[0]);
    });
    void exited.then((code) => reject(Object.assign(new Error(err), { code })));
  });
  return { url, child, stderr: () => err, exited };
}
