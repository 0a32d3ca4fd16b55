import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiClient, signedInOrg, startTestServer, type TestServer } from '../../../test/support/test-server.ts';

describe('the request log line', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  const logged = (requestId: string) =>
    vi.waitFor(
      () => {
        const line = server.logs.find((entry) => entry['msg'] === 'request' && entry['requestId'] === requestId);
        expect(line).toBeDefined();
        return line!;
      },
      { timeout: 5_000, interval: 10 },
    );

  it('carries the full path, mount prefix included, and never the query string', async () => {
    const { token } = await signedInOrg(server, 'Logs');
    const api = apiClient(server.url);
    const list = await api('GET', '/v1/users?limit=1', { token, headers: { 'x-request-id': 'log-users-1234' } });
    expect(list.status).toBe(200);
    expect(await logged('log-users-1234')).toMatchObject({ method: 'GET', path: '/v1/users', status: 200 });

    const secretQuery = 'connect_token=secret-value-123&id_token=another-secret';
    await api('GET', `/woocommerce/connect?${secretQuery}`, { headers: { 'x-request-id': 'log-connect-1234' } });
    const line = await logged('log-connect-1234');
    expect(line['path']).toBe('/woocommerce/connect');
    expect(JSON.stringify(line)).not.toContain('secret-value-123');
  });
});
