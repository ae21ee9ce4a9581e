import {
  checkCapability,
  checkInRange,
  checkWorkPolicy,
  MAX_CONTEXT_BYTES,
  MAX_TASK_ID_BYTES,
  PRIORITY,
  ValidationError,
  type JsonValue,
  type WorkPolicy,
} from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { checkJsonSize, checkText } from '../shared/require.js';
import { live, runWorkCommand } from './work-command.js';
import { workView, type WorkItemView } from './work-view.js';

export interface BroadcastWorkOfferInput {
  readonly taskId: string;
  readonly description: string;
  readonly requiredCapability: string;
  readonly priority?: number;
  readonly deadline?: string;
  readonly contextData?: { readonly [key: string]: JsonValue };
  /**
   * The offering session's work policy, when another process decides (a thin session's, sent to
   * the hub); what it leaves out is the deciding side's settings (ADR 0035).
   */
  readonly policy?: Partial<WorkPolicy>;
}

function parseDeadline(deadline: string | undefined, now: number): number | undefined {
  if (deadline === undefined) return undefined;
  const ms = Date.parse(deadline);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(deadline) || Number.isNaN(ms)) {
    throw new ValidationError('deadline', 'must be an ISO-8601 date-time such as "2026-12-01T17:00:00Z"');
  }
  if (ms <= now) throw new ValidationError('deadline', 'is already in the past');
  return ms;
}

/**
 * Queues work for any agent with the capability; offering the same taskId again is stored once.
 * The item keeps the policy it is offered with: its lease, attempts and dead-letter time.
 */
export async function broadcastWorkOffer(
  deps: AppDeps,
  input: BroadcastWorkOfferInput,
): Promise<{ workItem: WorkItemView; created: boolean }> {
  const { session, clock, settings } = deps;
  const taskId = checkText('taskId', input.taskId, MAX_TASK_ID_BYTES);
  const description = checkText('description', input.description, settings.maxMessageBytes);
  const capability = checkCapability('requiredCapability', input.requiredCapability);
  const priority = checkInRange('priority', input.priority, PRIORITY, { ends: ['(low)', '(high)'] });
  if (input.contextData !== undefined) checkJsonSize('contextData', input.contextData, MAX_CONTEXT_BYTES);
  const policy = checkWorkPolicy(input.policy ?? undefined, settings);
  const now = clock.now();
  const deadline = parseDeadline(input.deadline, now);
  const id = deps.ids.stableId(session.namespace, 'work', taskId);
  const outcome = await runWorkCommand(deps, id, {
    type: 'OfferWork',
    policy,
    now,
    spec: {
      id,
      taskId,
      description,
      capability,
      priority,
      namespace: session.namespace,
      offeredBy: session.guid ?? session.handle ?? 'anonymous',
      ...(deadline !== undefined ? { deadline } : {}),
      ...(input.contextData !== undefined ? { contextData: input.contextData } : {}),
    },
  });
  return { workItem: workView(live(outcome.state, id)), created: outcome.events.length > 0 };
}
