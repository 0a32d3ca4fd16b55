import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerOn, type ServerOn } from '../../test/support/server-on.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { apiClient } from '../../test/support/test-server.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

let database: TestDatabase;
const servers: ServerOn[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await database?.drop();
});

async function serverWith(env: Record<string, string>) {
  const server = await startServerOn(database.db, database.ownerUrl, { env });
  servers.push(server);
  return server;
}

/** What a request relayed by a reverse proxy on this machine looks like: loopback socket, forwarded client. */
const relayed = { 'x-forwarded-for': '203.0.113.7' };

describe('#8 /metrics is protected', () => {
  it('by default answers loopback clients only, not traffic a local reverse proxy relays', async () => {
    const api = apiClient((await serverWith({})).url);
    const local = await api('GET', '/metrics');
    expect(local.status).toBe(200);
    expect(local.body).toContain('dockhand_http_request_duration_seconds');
    const remote = await api('GET', '/metrics', { headers: relayed });
    expect(remote.status).toBe(403);
    expect(remote.body.error.code).toBe('FORBIDDEN');
  });

  it('with DOCKHAND_METRICS_TOKEN answers only its bearer, wherever the request comes from', async () => {
    const api = apiClient((await serverWith({ DOCKHAND_METRICS_TOKEN: TOKEN })).url);
    expect((await api('GET', '/metrics')).status).toBe(401);
    expect((await api('GET', '/metrics', { token: `${TOKEN}x` })).status).toBe(401);
    expect((await api('GET', '/metrics', { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
    const allowed = await api('GET', '/metrics', { token: TOKEN, headers: relayed });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('dockhand_http_request_duration_seconds');
  });

  it('with DOCKHAND_METRICS_PORT is served there only, counting the main port’s requests', async () => {
    const server = await serverWith({ DOCKHAND_METRICS_PORT: '0', DOCKHAND_METRICS_TOKEN: TOKEN });
    const api = apiClient(server.url);
    expect((await api('GET', '/health')).status).toBe(200);
    expect((await api('GET', '/metrics', { token: TOKEN })).status).toBe(404);
    expect(server.metricsUrl).toBeDefined();
    const metrics = apiClient(server.metricsUrl!);
    expect((await metrics('GET', '/metrics')).status).toBe(401);
    const scraped = await metrics('GET', '/metrics', { token: TOKEN });
    expect(scraped.status).toBe(200);
    expect(scraped.body).toContain('route="/health"');
    expect((await metrics('GET', '/health')).status).toBe(404);
  });
});
