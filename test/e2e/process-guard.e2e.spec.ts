import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const built = (path: string): string => pathToFileURL(join(process.cwd(), 'dist/src', path)).href;

describe('the MCP server process guard (built)', () => {
  it('sends console output to stderr and logs, rather than dies of, what escapes every owner', async () => {
    // What a library does on its own: console.log, a throw in a callback, a rejection nobody handles.
    const script = `
      import { guardProcess } from ${JSON.stringify(built('adapters/cli/process-guard.js'))};
      import { createLogger } from ${JSON.stringify(built('adapters/config/index.js'))};
      guardProcess(createLogger('WARN'));
      console.log('reader closed', new Error('from a library'));
      setTimeout(() => { throw new Error('thrown in a callback'); });
      void Promise.reject(new Error('rejected, unhandled'));
      setTimeout(() => { process.stderr.write('still running\\n'); process.exit(0); }, 200);
    `;
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 });
    expect(stdout).toBe('');
    expect(stderr).toMatch(/reader closed/);
    expect(stderr).toMatch(/ERROR uncaught exception error=".*thrown in a callback/);
    expect(stderr).toMatch(/ERROR unhandled rejection error=".*rejected, unhandled/);
    expect(stderr).toMatch(/still running/);
  });
});
