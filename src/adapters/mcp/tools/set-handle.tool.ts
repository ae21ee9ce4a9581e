import { z } from 'zod';
import { defineTool, IDEMPOTENT_WRITE } from '../define-tool.js';
import { name } from '../schemas.js';

export const setHandleTool = defineTool({
  name: 'set_handle',
  group: 'identity',
  title: 'Set handle',
  description:
    'Set the name this session signs channel messages with (e.g. "backend-dev"). Required before send_message unless you registered with register_agent, which sets one. A handle held by another live session is refused.',
  input: { handle: name('handle') },
  output: { handle: z.string(), previous: z.string().optional() },
  annotations: IDEMPOTENT_WRITE,
  run: (app, args) => app.setHandle(args),
  render: (r) => `Handle set to ${r.handle}${r.previous ? ` (was ${r.previous})` : ''}.`,
});
