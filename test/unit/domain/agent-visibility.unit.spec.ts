import { describe, expect, it } from 'vitest';
import { agentId, canSee, seesWhereabouts, type Viewer, type Visibility } from '../../../src/domain/index.js';

const agent = (visibility: Visibility) => ({
  guid: agentId('g-1'),
  visibility,
  namespace: 'proj',
  username: 'alice',
});
const itself: Viewer = { guid: 'g-1', namespace: 'other', username: 'bob' };
const sameProject: Viewer = { guid: 'g-2', namespace: 'proj', username: 'bob' };
const sameUser: Viewer = { guid: 'g-3', namespace: 'other', username: 'alice' };
const stranger: Viewer = { guid: undefined, namespace: 'other', username: 'bob' };

describe('canSee', () => {
  it.each<[Visibility, Viewer, boolean]>([
    ['private', itself, true],
    ['private', sameProject, false],
    ['private', sameUser, false],
    ['project-only', sameProject, true],
    ['project-only', sameUser, false],
    ['user-only', sameUser, true],
    ['user-only', sameProject, false],
    ['public', stranger, true],
  ])('given a %s agent, a viewer %j sees it: %s', (visibility, viewer, expected) => {
    expect(canSee(viewer, agent(visibility))).toBe(expected);
  });

  it('given any visibility, the agent always sees itself and an unrelated unregistered session sees only public ones', () => {
    for (const visibility of ['private', 'project-only', 'user-only', 'public'] as const) {
      expect(canSee(itself, agent(visibility))).toBe(true);
      expect(canSee(stranger, agent(visibility))).toBe(visibility === 'public');
    }
  });
});

describe('seesWhereabouts', () => {
  it('shows host, project and user to the agent itself, its project and its user, not to strangers', () => {
    expect([itself, sameProject, sameUser, stranger].map((v) => seesWhereabouts(v, agent('public')))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
