import { checkName } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { checkHandleFree } from './handle-holders.js';

export interface SetHandleInput {
  readonly handle: string;
}
export interface SetHandleOutput {
  readonly handle: string;
  readonly previous?: string;
}

/** Names this session in channel messages; a registered agent keeps its guid. A live session's handle is refused. */
export async function setHandle(deps: AppDeps, input: SetHandleInput): Promise<SetHandleOutput> {
  const handle = checkName('handle', input.handle);
  await checkHandleFree(deps, handle);
  const previous = deps.session.handle;
  deps.session.handle = handle;
  return previous && previous !== handle ? { handle, previous } : { handle };
}
