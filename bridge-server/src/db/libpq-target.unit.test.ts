import { describe, expect, it } from 'vitest';
import { appUrlFor, libpqTarget } from './database.ts';

describe('libpqTarget', () => {
  it('leaves a URL with a host name as it is', () => {
    expect(libpqTarget('postgres://dockhand@db.internal:6432/dockhand?sslmode=require')).toEqual({
      url: 'postgres://dockhand@db.internal:6432/dockhand?sslmode=require',
    });
  });

  it('takes the host and port parameters out of the URL, which the server would refuse as settings', () => {
    expect(libpqTarget('postgres://dockhand:pw@localhost/dockhand?host=/run/postgresql&port=5433&sslmode=disable')).toEqual({
      url: 'postgres://dockhand:pw@localhost/dockhand?sslmode=disable',
      host: '/run/postgresql',
      port: 5433,
    });
  });

  it('reads a percent-encoded socket directory as the host, in either case', () => {
    expect(libpqTarget('postgres://dockhand@%2Frun%2Fpostgresql/dockhand').host).toBe('/run/postgresql');
    expect(libpqTarget('postgres://dockhand@%2frun%2fpostgresql/dockhand').host).toBe('/run/postgresql');
  });

  it('keeps the socket for the app role’s URL', () => {
    expect(libpqTarget(appUrlFor('postgres://owner:pw@%2Frun%2Fpostgresql/dockhand'))).toEqual({
      url: 'postgres://dockhand_app@%2Frun%2Fpostgresql/dockhand',
      host: '/run/postgresql',
    });
  });

  it('refuses a port parameter that is not a port', () => {
    expect(() => libpqTarget('postgres://dockhand@localhost/dockhand?port=abc')).toThrow(/port parameter is not a port: abc/);
  });
});
