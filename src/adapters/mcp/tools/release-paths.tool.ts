import { z } from 'zod';
import { MAX_PATTERNS_PER_CALL } from '../../../domain/index.js';
import { defineTool, IDEMPOTENT_WRITE } from '../define-tool.js';
import { pathPattern } from '../schemas.js';

export const releasePathsTool = defineTool({
  name: 'release_paths',
  group: 'files',
  title: 'Release paths',
  description: 'Release your reservations of these patterns (as reserved), or all of yours when none are given.',
  input: { paths: z.array(pathPattern).min(1).max(MAX_PATTERNS_PER_CALL).optional() },
  output: { released: z.array(z.string()) },
  annotations: IDEMPOTENT_WRITE,
  run: (app, args) => app.releasePaths(args),
  render: (r) => (r.released.length ? `Released ${r.released.join(', ')}` : 'You held none of them.'),
});
