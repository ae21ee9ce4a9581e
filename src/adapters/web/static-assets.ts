import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** Only flat, known names: a request path never walks the file system. */
const ASSET_NAME = /^[a-z0-9-]+\.(html|js|css|svg)$/;

/**
 * The package's `web/` folder, found by walking up from this module, so the same code serves
 * it from `src/` (tests) and from `dist/src/` (the installed bin).
 */
export function findAssetsDir(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from), i = 0; i < 8; dir = dirname(dir), i++) {
    const candidate = join(dir, 'web');
    if (existsSync(join(dir, 'package.json')) && existsSync(join(candidate, 'index.html'))) return candidate;
  }
  throw new Error(`the dashboard's web/ folder was not found above ${from}; reinstall the package`);
}

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/** Reads the asset a path names ("/" is index.html), or undefined when there is none. */
export async function readAsset(dir: string, pathname: string): Promise<Asset | undefined> {
  const name = pathname === '/' ? 'index.html' : pathname.slice(1);
  const match = ASSET_NAME.exec(name);
  if (!match) return undefined;
  try {
    return { body: await readFile(join(dir, name)), type: TYPES[match[1]!]! };
  } catch {
    return undefined;
  }
}
