/**
 * How a förbund, delprojekt or kommun is found by name: ignoring case and surrounding spaces. It is the
 * expression of the unique indexes (migration 1763900001300), so a name finds at most one unit and the
 * lookup can use the index; change both together.
 */
export function sameNameCondition(column: string, param: string): string {
  return `lower(btrim(${column})) = lower(btrim(${param}))`;
}
