import { z } from 'zod';
import { defineTool, READ_ONLY } from '../define-tool.js';
import { pathPattern, reservationOut } from '../schemas.js';
import { heldBy } from './reserve-paths.tool.js';

export const listReservationsTool = defineTool({
  name: 'list_reservations',
  group: 'files',
  title: 'List reservations',
  description: 'Live path reservations in the project (or those touching path): holder, reason, expiry.',
  input: { path: pathPattern.optional() },
  output: { reservations: z.array(reservationOut), count: z.number() },
  annotations: READ_ONLY,
  run: (app, args) => app.listReservations(args),
  render: (r) =>
    r.reservations.map((v) => `${v.exclusive ? '' : '(shared) '}${heldBy(v)}`).join('\n') || 'No reservations.',
});
