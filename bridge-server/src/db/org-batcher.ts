import { groupBy } from '../group-by.ts';

/**
 * Group commit: items handed in together are handled together, one call per organization and
 * batch, so a burst costs a few transactions instead of one per item. While `maxInFlight` batches
 * are being handled, new items gather into the next one: batches grow with the load and stay
 * single items when it is light. Each caller's promise settles with its own item's outcome.
 */
export class OrgBatcher<Item, Outcome> {
  private pending: Array<{ orgId: string; item: Item; resolve: (outcome: Outcome) => void; reject: (error: unknown) => void }> =
    [];
  private scheduled = false;
  private inFlight = 0;

  /**
   * @param handle one organization's items, in the order they came; answers one settled outcome
   *   per item, in that order (a rejection fails every item of the group).
   */
  constructor(
    private readonly handle: (orgId: string, items: Item[]) => Promise<Array<PromiseSettledResult<Outcome>>>,
    private readonly maxBatch: number,
    private readonly maxInFlight = 2,
  ) {}

  add(orgId: string, item: Item): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ orgId, item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // Whatever arrives in this turn of the event loop joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.inFlight++;
    const groups = [...groupBy(batch, (entry) => entry.orgId)].map(async ([orgId, group]) => {
      try {
        const results = await this.handle(
          orgId,
          group.map((entry) => entry.item),
        );
        group.forEach((entry, index) => {
          const result = results[index]!;
          if (result.status === 'fulfilled') entry.resolve(result.value);
          else entry.reject(result.reason);
        });
      } catch (error) {
        group.forEach((entry) => entry.reject(error));
      }
    });
    void Promise.all(groups).then(() => {
      this.inFlight--;
      this.schedule();
    });
  }
}
