import type { WorkItemEvent, WorkItemState } from './work-item.types.js';

type Status = WorkItemState['status'];

const FINISHED: readonly Status[] = ['completed', 'dead-lettered', 'discarded'];

/**
 * Which stored events may follow which state: exactly what `decideWorkItem` emits there. Replay
 * skips any other (see Decider.rejects), so a forged or corrupt event cannot move an item.
 */
export function rejectsWorkItemEvent(state: WorkItemState, event: WorkItemEvent): string | undefined {
  const unless = (...allowed: Status[]): string | undefined =>
    allowed.includes(state.status) ? undefined : `${event.type} cannot follow a work item that is ${state.status}`;
  switch (event.type) {
    case 'WorkOffered':
      return unless('absent');
    case 'WorkClaimed':
      return (
        unless('offered') ??
        (state.status === 'offered' && event.attempt !== state.attempts + 1
          ? `WorkClaimed says attempt ${event.attempt}, but the next attempt is ${state.attempts + 1}`
          : undefined)
      );
    case 'WorkProgressReported':
      return unless('claimed');
    case 'WorkCompleted':
    case 'WorkFailed':
    case 'WorkLeaseExpired':
      return (
        unless('claimed') ??
        (state.status === 'claimed' && state.holder !== event.holder
          ? `${event.type} names ${event.holder}, but ${state.holder} holds the item`
          : undefined)
      );
    case 'WorkDeadLettered':
      return unless('offered');
    case 'WorkRetried':
    case 'WorkDiscarded':
      return unless('dead-lettered');
    case 'WorkItemCompacted':
      // A snapshot opens a compacted stream, or follows the finished item it snapshots.
      if (!FINISHED.includes(event.state.status)) return `WorkItemCompacted holds a ${event.state.status} item`;
      return state.status === 'absent' ? undefined : unless(event.state.status);
    default: {
      const unknown: never = event;
      return `unknown event ${JSON.stringify(unknown)}`;
    }
  }
}
