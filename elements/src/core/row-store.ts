/** A row any element may show: identified by its id within one kind (`order`, `inventory.request`, …). */
export type Row = { id: string } & Record<string, unknown>;
type RowListener = (row: Row) => void;

/**
 * One copy of each row for every element on the page: an element that shows a row subscribes to
 * it, and an event that changes it (through {@link RowStore.merge}) updates every element at once.
 */
export class RowStore {
  /** Rows by kind, then id. */
  private readonly rows = new Map<string, Map<string, Row>>();
  /**
   * The first answer of a kind, kept as it came until a row of that kind is looked up: it has no
   * row to share with yet, and indexing 100,000 ids is work the first paint need not wait for.
   */
  private readonly unindexed = new Map<string, readonly Row[]>();
  private readonly listeners = new Map<string, Set<RowListener>>();

  private static key(kind: string, id: string): string {
    return `${kind}:${id}`;
  }

  /** The kind's rows by id, with its first answer indexed (once) if it was not yet. */
  private kind(kind: string): Map<string, Row> {
    let rows = this.rows.get(kind);
    if (!rows) this.rows.set(kind, (rows = new Map()));
    const first = this.unindexed.get(kind);
    if (first) {
      this.unindexed.delete(kind);
      for (const row of first) {
        const existing = rows.get(row.id);
        if (existing) Object.assign(existing, row);
        else rows.set(row.id, row);
      }
    }
    return rows;
  }

  get<T extends Row = Row>(kind: string, id: string): T | undefined {
    return this.kind(kind).get(id) as T | undefined;
  }

  /**
   * Keeps rows fetched by an element (without notifying: the element already shows them); answers
   * the shared copies. A row not seen before is kept as it is (the caller hands over a freshly
   * parsed answer); one seen before takes the new fields, and the element gets that one.
   */
  remember<T extends Row>(kind: string, rows: readonly T[]): T[] {
    if (!this.unindexed.has(kind) && !this.rows.get(kind)?.size) {
      this.unindexed.set(kind, rows);
      return rows.slice();
    }
    const known = this.kind(kind);
    const shared = new Array<T>(rows.length);
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index]!;
      const existing = known.get(row.id);
      if (existing) {
        shared[index] = Object.assign(existing, row) as T;
      } else {
        known.set(row.id, row);
        shared[index] = row;
      }
    }
    return shared;
  }

  /** Applies a change and tells every subscriber of that row (and of the kind). */
  merge(kind: string, id: string, patch: Record<string, unknown>): Row {
    const key = RowStore.key(kind, id);
    const known = this.kind(kind);
    const row = Object.assign(known.get(id) ?? { id }, patch, { id }) as Row;
    known.set(id, row);
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
