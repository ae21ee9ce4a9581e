import { Conflict, NotAllowed, NotFound } from '../shared/domain-error.js';

export class WorkItemAlreadyClaimed extends Conflict {
  constructor(
    readonly workItemId: string,
    readonly holder: string,
  ) {
    super(`Work item ${workItemId} is claimed by ${holder} and its lease has not expired.`);
  }
}

export class WorkItemNotClaimable extends Conflict {
  constructor(
    readonly workItemId: string,
    readonly status: string,
  ) {
    super(`Work item ${workItemId} is ${status} and cannot be claimed.`);
  }
}

export class NotTheHolder extends NotAllowed {
  constructor(
    readonly workItemId: string,
    readonly agent: string,
    readonly status: string,
  ) {
    super(
      status === 'claimed'
        ? `Work item ${workItemId} is held by another agent (your lease expired and it was claimed again); stop working on it.`
        : `Work item ${workItemId} is ${status}, not claimed by you; only the current holder can report, complete or fail it.`,
    );
  }
}

export class NotDeadLettered extends Conflict {
  constructor(
    readonly workItemId: string,
    readonly status: string,
  ) {
    super(`Work item ${workItemId} is ${status}, not in the dead-letter queue; see list_dead_letter_items.`);
  }
}

/** The item finished and, after the retention, its history was purged: only this is known of it. */
export class WorkItemPurged extends NotFound {
  constructor(
    readonly workItemId: string,
    readonly status: string,
    readonly finishedAt: number,
    readonly purgedAt: number,
  ) {
    super(
      `Work item ${workItemId} finished (${status}) at ${new Date(finishedAt).toISOString()} and was purged at ` +
        `${new Date(purgedAt).toISOString()}, after the work retention (WARP_WORK_RETENTION); its details are no longer kept.`,
    );
  }
}
