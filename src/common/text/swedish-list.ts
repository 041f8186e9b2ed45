/** "A", "A och B", "A, B och C": items joined as Swedish prose lists them (no serial comma). */
export function swedishList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} och ${items[items.length - 1]}`;
}
