import { z } from 'zod';
import { defineTool, READ_ONLY } from '../define-tool.js';

export const getMyHandleTool = defineTool({
  name: 'get_my_handle',
  group: 'identity',
  title: 'Who am I',
  description:
    "This session's handle, agent guid (after register_agent), project namespace, backend and connection state.",
  input: {},
  output: {
    handle: z.string().nullable(),
    guid: z.string().nullable(),
    namespace: z.string(),
    hostname: z.string(),
    backend: z.string(),
    server: z.string(),
    connection: z.string(),
    skipped: z
      .record(z.string(), z.number())
      .describe(
        'Stored values this session skipped as unusable (bad JSON or shape, or events replay rejects), by source.',
      ),
  },
  annotations: READ_ONLY,
  run: (app) => app.getMyHandle(),
  render: (r) =>
    `${r.handle ?? '(no handle)'}${r.guid ? ` [${r.guid}]` : ' (not registered)'} in ${r.namespace} via ${r.backend} (${r.connection})`,
});
