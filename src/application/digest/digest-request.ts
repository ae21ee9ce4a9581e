import { ValidationError } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { agentDigest, type AgentDigest, type DigestMoment } from './agent-digest.js';
import { Surfaced, type SurfacedData } from './surfaced.js';

export interface DigestRequest {
  readonly surfaced: SurfacedData;
  readonly moment: DigestMoment;
}

export interface DigestAnswer {
  readonly digest: AgentDigest;
  /** What has now been surfaced: the caller keeps it for its next digest. */
  readonly surfaced: SurfacedData;
}

const MOMENTS: ReadonlySet<string> = new Set<DigestMoment>(['session-start', 'prompt', 'stop']);

/** The digest as an operation: the memory of what was surfaced travels with the call, and comes back changed. */
export async function agentDigestOf(deps: AppDeps, input: DigestRequest): Promise<DigestAnswer> {
  if (!MOMENTS.has((input as Partial<DigestRequest> | undefined)?.moment ?? ''))
    throw new ValidationError('moment', 'must be one of session-start, prompt, stop');
  const surfaced = Surfaced.from(input.surfaced);
  const digest = await agentDigest(deps, surfaced, input.moment);
  return { digest, surfaced: surfaced.data() };
}
