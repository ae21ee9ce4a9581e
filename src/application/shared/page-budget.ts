/**
 * Bytes one answer carries at most (always at least one item): MCP clients truncate or
 * refuse very large tool results, and every paged answer says how to get the rest.
 */
export const PAGE_BUDGET_BYTES = 512 * 1024;

/** The longest prefix of `items` whose sizes fit the budget, and never less than one item. */
export function withinBudget<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  budget = PAGE_BUDGET_BYTES,
): readonly T[] {
  let bytes = 0;
  let count = 0;
  for (const item of items) {
    bytes += sizeOf(item);
    if (count > 0 && bytes > budget) break;
    count++;
  }
  return items.slice(0, count);
}
