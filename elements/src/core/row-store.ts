/** A row any element may show: identified by its id within one kind (`order`, `inventory.request`, …). */
export type Row = { id: string } & Record<string, unknown>;
type RowListener = (row: Row) => void;

/**
 * One copy of each row for every element on the page: an element that shows a row subscribes to
 * it, and an event that changes it (through {@link RowStore.merge}) updates every element at once.
 */
export class RowStore {
  private readonly rows = new Map<string, Row>();
  private readonly listeners = new Map<string, Set<RowListener>>();

  private static key(kind: string, id: string): string {
    return `${kind}:${id}`;
  }

  get<T extends Row = Row>(kind: string, id: string): T | undefined {
    return this.rows.get(RowStore.key(kind, id)) as T | undefined;
  }

  /** Keeps rows fetched by an element (without notifying: the element already shows them); answers the shared copies. */
  remember<T extends Row>(kind: string, rows: readonly T[]): T[] {
    return rows.map((row) => {
      const key = RowStore.key(kind, row.id);
      const existing = this.rows.get(key);
      const merged = existing ? Object.assign(existing, row) : { ...row };
      this.rows.set(key, merged);
      return merged as T;
    });
  }

  /** Applies a change and tells every subscriber of that row (and of the kind). */
  merge(kind: string, id: string, patch: Record<string, unknown>): Row {
    const key = RowStore.key(kind, id);
    const row = Object.assign(this.rows.get(key) ?? { id }, patch, { id }) as Row;
    this.rows.set(key, row);
    for (const listener of this.listeners.get(key) ?? []) listener(row);
    for (const listener of this.listeners.get(RowStore.key(kind, '*')) ?? []) listener(row);
    return row;
  }

  /** Subscribes to one row, or with id `*` to every row of the kind. */
  subscribe(kind: string, id: string, listener: RowListener): () => void {
    const key = RowStore.key(kind, id);
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }
}
