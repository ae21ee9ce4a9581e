import { checkName } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';

export interface SetHandleInput {
  readonly handle: string;
}
export interface SetHandleOutput {
  readonly handle: string;
  readonly previous?: string;
}

/** Names this session in channel messages; a registered agent keeps its guid. */
export async function setHandle(deps: AppDeps, input: SetHandleInput): Promise<SetHandleOutput> {
  const handle = checkName('handle', input.handle);
  const previous = deps.session.handle;
  deps.session.handle = handle;
  return previous && previous !== handle ? { handle, previous } : { handle };
}
