/**
 * A lookup by a name people typed or a payload carried, in a table built from the policy: only the
 * table's own entries count, so `constructor`, `__proto__` or `toString` are unknown names, not the
 * inherited members of every object.
 */
export function own<T>(table: Readonly<Record<string, T>> | undefined, key: string | undefined | null): T | undefined {
  return table && key != null && Object.hasOwn(table, key) ? table[key] : undefined;
}
