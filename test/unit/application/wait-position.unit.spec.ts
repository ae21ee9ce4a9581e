import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatWaitPosition, parseWaitPosition } from '../../../src/application/wait/wait-position.js';

const channel = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);
const seq = fc.nat({ max: Number.MAX_SAFE_INTEGER });

describe('wait positions', () => {
  it('read back what they wrote', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(channel, seq), { selector: ([c]) => c, maxLength: 100 }),
        fc.option(seq, { nil: undefined }),
        fc.option(seq, { nil: undefined }),
        (channels, dm, work) => {
          const position = {
            channels: new Map(channels),
            ...(dm !== undefined ? { dm } : {}),
            ...(work !== undefined ? { work } : {}),
          };
          expect(parseWaitPosition(formatWaitPosition(position))).toEqual(position);
        },
      ),
    );
  });

  it.each(['#general', 'general=1', '#general=01', '#a.b=1', 'dm=-1', '#x=1,,dm=2', 'work=99999999999999999', 'dm=1 '])(
    'refuses %j, saying to pass a previous answer unchanged',
    (text) => expect(() => parseWaitPosition(text)).toThrow(/since: .*unchanged/),
  );
});
