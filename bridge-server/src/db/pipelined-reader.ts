import pg from 'pg';
import type { Statement, StatementValue } from './statement.ts';
import { TenantShares } from './tenant-shares.ts';
import type { DatabaseTimeouts } from './timeouts.ts';

/**
 * One-round-trip reads for a PostgreSQL server: the tenant context and one statement go out as
 * two Bind/Execute pairs under a single Sync. The extended query protocol runs everything
 * between two Syncs as one implicit transaction, so set_config(…, true) covers the statement
 * and dies with it, with no BEGIN or COMMIT statement and no extra flush. The `postgres` driver
 * ends every statement with its own Sync, so this path uses node-postgres' documented
 * extension point (a "submittable" that writes its own protocol messages) on a pool of its own.
 *
 * If the context statement fails, the server skips the rest up to the Sync: the read fails
 * closed. Both statements are named, parsed and described once per connection, on first use.
 * A read that fails may leave statements it parsed on the server (a value its statement refuses,
 * a timeout, a search too wide for its function): they are closed at the start of the
 * connection's next read, or each would hold its plan in the server's memory for as long as the
 * connection lives (about 87 kB for an inventory read, once per failed request).
 */

/** What the submittable writes on; a subset of node-postgres' Connection. */
interface WireConnection {
  stream: { cork?: () => void; uncork?: () => void };
  parse(message: { name: string; text: string; types: number[] }): void;
  bind(message: {
    portal: string;
    statement: string;
    values: readonly StatementValue[];
    valueMapper: (value: StatementValue) => string | null;
  }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: { portal: string; rows: number }): void;
  sync(): void;
  close(message: { type: 'S'; name: string }): void;
  sendCopyFail(message: string): void;
}

interface FieldDescription {
  name: string;
  dataTypeID: number;
}

/** Values on the wire, as the server's text input functions read them. */
function toWire(value: StatementValue): string | null {
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `{${value.map((item: string) => `"${item.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
  return String(value);
}

/**
 * Column parsers matching what the `postgres` driver returns, so a row reads the same on either
 * path: node-postgres' parsers, except that dates and timestamps are read the way that driver
 * reads them, by the Date constructor (also several times faster than the regular expression).
 */
const DATE_TYPES = new Set([1082, 1114, 1184]);
const toDate = (text: string): Date => new Date(text);

function parserFor(oid: number): (text: string) => unknown {
  if (DATE_TYPES.has(oid)) return toDate;
  return pg.types.getTypeParser(oid, 'text') as (text: string) => unknown;
}

const isStaleStatement = (error: unknown) =>
  error instanceof pg.DatabaseError && (error.code === '26000' || error.routine === 'RevalidateCachedQuery');

let statementCount = 0;

/** The statements one connection keeps parsed; past this, the least recently used is closed. */
export const PREPARED_PER_CONNECTION = 100;

type Columns = { name: string; parse: (text: string) => unknown }[];

/** A statement parsed on one connection: its name and, once described, the columns it returns. */
interface Prepared {
  name: string;
  columns?: Columns;
}

/** What one connection holds on the server. */
interface ConnectionStatements {
  /** The statements parsed there, by their text. */
  parsed: Map<string, Prepared>;
  /** Names a failed read may have left there, to close before the next read (closing a name that does not exist is no error). */
  orphans: string[];
}

const connectionStatements = (): ConnectionStatements => ({ parsed: new Map(), orphans: [] });

class ContextRead<Row> {
  readonly done: Promise<Row[]>;
  #resolve!: (rows: Row[]) => void;
  #reject!: (error: unknown) => void;
  #settled = false;
  #completed = 0;
  #fields: Columns = [];
  #reading: Prepared | undefined;
  #rows: Row[] = [];
  #parsing: [string, Prepared][] = [];

  constructor(
    private readonly statements: ConnectionStatements,
    private readonly context: Statement,
    private readonly read: Statement,
  ) {
    this.done = new Promise<Row[]>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  #prepare(connection: WireConnection, text: string): Prepared {
    const parsed = this.statements.parsed;
    const known = parsed.get(text);
    if (known) {
      // The most recently used last, so that the least recently used is the first to go.
      parsed.delete(text);
      parsed.set(text, known);
      return known;
    }
    const fresh: Prepared = { name: `dockhand_read_${++statementCount}` };
    connection.parse({ name: fresh.name, text, types: [] });
    this.#parsing.push([text, fresh]);
    return fresh;
  }

  submit(connection: WireConnection): void {
    connection.stream.cork?.();
    try {
      for (const name of this.statements.orphans.splice(0)) connection.close({ type: 'S', name });
      const context = this.#prepare(connection, this.context.text);
      const read = (this.#reading = this.#prepare(connection, this.read.text));
      connection.bind({ portal: '', statement: context.name, values: this.context.values, valueMapper: toWire });
      connection.execute({ portal: '', rows: 0 });
      connection.bind({ portal: '', statement: read.name, values: this.read.values, valueMapper: toWire });
      // The columns are described once per statement and connection, then remembered.
      if (read.columns) this.#fields = read.columns;
      else connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '', rows: 0 });
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
  }

  handleRowDescription(message: { fields: FieldDescription[] }): void {
    this.#fields = message.fields.map((field) => ({ name: field.name, parse: parserFor(field.dataTypeID) }));
    this.#reading!.columns = this.#fields;
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    // The context statement's own row comes first; only the read's rows are kept.
    if (this.#completed === 0) return;
    const row: Record<string, unknown> = {};
    message.fields.forEach((value, i) => {
      const field = this.#fields[i]!;
      row[field.name] = value === null ? null : field.parse(value);
    });
    this.#rows.push(row as Row);
  }

  handleCommandComplete(): void {
    this.#completed++;
  }

  handleEmptyQuery(): void {
    this.#completed++;
  }

  handlePortalSuspended(): void {}

  /** Unreachable on read-only connections, but answered so the connection never waits for data. */
  handleCopyInResponse(connection: WireConnection): void {
    connection.sendCopyFail('COPY is not supported on the read path');
  }

  handleCopyData(): void {}

  /** The client drops the query on an error: it settles here, not at ReadyForQuery. */
  handleError(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.statements.orphans.push(...this.#parsing.map(([, prepared]) => prepared.name));
    this.#reject(error);
  }

  handleReadyForQuery(): void {
    if (this.#settled) return;
    this.#settled = true;
    const { parsed, orphans } = this.statements;
    for (const [text, prepared] of this.#parsing) parsed.set(text, prepared);
    // Each statement holds its plan in the server's memory (tens of kB); the filters and sorts of
    // the lists combine into thousands of texts, so a connection keeps the most recent few.
    for (const [text, { name }] of parsed) {
      if (parsed.size <= PREPARED_PER_CONNECTION) break;
      parsed.delete(text);
      orphans.push(name);
    }
    this.#resolve(this.#rows);
  }
}

/** The share of the pool one organization's reads may hold at once: 6 of the default 10. */
export const tenantShareOf = (max: number): number => Math.max(1, Math.ceil(max * 0.6));

export class PipelinedReader {
  readonly #pool: pg.Pool;
  readonly #statements = new WeakMap<pg.PoolClient, ConnectionStatements>();
  /** Each organization's share of the pool (see TenantShares). */
  readonly shares: TenantShares;

  constructor(
    url: string,
    options: {
      max: number;
      applicationName: string;
      timeouts: DatabaseTimeouts;
      /** How long a read waits for a connection (a new one, or a free one of a full pool). */
      connectTimeoutMs: number;
      onError?: ((message: string) => void) | undefined;
    },
  ) {
    // Every transaction on these connections is read-only from the start, at no cost per read.
    this.#pool = new pg.Pool({
      connectionString: url,
      max: options.max,
      application_name: options.applicationName,
      options: '-c default_transaction_read_only=on',
      statement_timeout: options.timeouts.statementTimeoutMs,
      lock_timeout: options.timeouts.lockTimeoutMs,
      idle_in_transaction_session_timeout: options.timeouts.idleInTransactionTimeoutMs,
      connectionTimeoutMillis: options.connectTimeoutMs,
    });
    // An idle connection that breaks is dropped by the pool; without a listener it would crash the process.
    this.#pool.on('error', (error) => options.onError?.(`read pool: ${error.message}`));
    this.shares = new TenantShares(tenantShareOf(options.max), options.connectTimeoutMs);
  }

  /**
   * Runs `context` and then `read` in one implicit transaction, in one round trip, within the
   * share of the pool of `tenant` (the organization the context names).
   */
  async read<Row>(tenant: string, context: Statement, read: Statement): Promise<Row[]> {
    const leave = await this.shares.acquire(tenant);
    try {
      return await this.#readOnConnection<Row>(context, read);
    } finally {
      leave();
    }
  }

  async #readOnConnection<Row>(context: Statement, read: Statement): Promise<Row[]> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      return await this.#submit<Row>(client, context, read).catch((error: unknown) => {
        // A statement parsed before a schema change (or dropped by DISCARD) is parsed again, once.
        if (!isStaleStatement(error)) throw error;
        // Parsed again under new names; the old ones are closed first.
        const statements = this.#statementsOf(client);
        for (const { name } of statements.parsed.values()) statements.orphans.push(name);
        statements.parsed.clear();
        return this.#submit<Row>(client, context, read);
      });
    } catch (error) {
      if (!(error instanceof pg.DatabaseError)) broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** A plain query on one of the pool's connections, outside any tenant context. */
  async query<Row>(text: string): Promise<Row[]> {
    const result = await this.#pool.query(text);
    return result.rows as Row[];
  }

  #statementsOf(client: pg.PoolClient): ConnectionStatements {
    let statements = this.#statements.get(client);
    if (!statements) this.#statements.set(client, (statements = connectionStatements()));
    return statements;
  }

  #submit<Row>(client: pg.PoolClient, context: Statement, read: Statement): Promise<Row[]> {
    const submittable = new ContextRead<Row>(this.#statementsOf(client), context, read);
    void client.query(submittable as unknown as pg.Submittable);
    return submittable.done;
  }

  end(): Promise<void> {
    return this.#pool.end();
  }
}
