export type CheckStatus = 'ok' | 'note' | 'problem' | 'skipped' | 'n/a';

/** One line of `warp doctor`. */
export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do about it; every problem has one. */
  readonly fix?: string;
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
