import { ApiClient, type ResponseOf, type TokenSource } from './api-client.ts';
import { EventStream } from './event-stream.ts';
import { RowStore } from './row-store.ts';

export type Principal = ResponseOf<'/v1/auth/me', 'get', { data: Record<string, unknown> }>['data'];

/** What `<dh-provider>` hands every nested element: the API, the live stream, and the shared rows. */
export class DockhandClient {
  readonly api: ApiClient;
  readonly events: EventStream;
  readonly rows = new RowStore();

  constructor(
    readonly baseUrl: string,
    readonly tokens: TokenSource,
  ) {
    this.api = new ApiClient(baseUrl, tokens);
    this.events = new EventStream(this.api);
  }

  async principal(): Promise<Principal> {
    return (await this.api.get('/v1/auth/me')).data;
  }

  /** Ends the live stream for good (see EventStream.dispose). */
  close(): void {
    this.events.dispose();
  }
}
