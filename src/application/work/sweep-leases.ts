import { DomainError } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { runWorkCommand } from './work-command.js';

/**
 * Records expired leases (and the dead letters they cause) for items nobody claims again,
 * so listings tell the truth without a coordinator. Whoever looks does the sweeping.
 */
export async function sweepExpiredLeases(deps: AppDeps, capability?: string): Promise<void> {
  const now = deps.clock.now();
  // From the index's claims, not a scan of every item it holds: a sweep costs the claims.
  for (const { state } of deps.work.expiredClaims(now, capability)) {
    await runWorkCommand(deps, state.spec.id, { type: 'ExpireLease', dlqTtlMs: deps.settings.dlqTtlMs, now }).catch(
      (error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
      },
    );
  }
}
