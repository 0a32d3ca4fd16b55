import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP relay to a real service that a test can cut, to see how the server behaves when that
 * service goes away — without stopping the service every other test shares.
 */
export interface TcpProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  /** Drops every open connection and stops listening: new connections are refused. */
  cut(): Promise<void>;
  /** Keeps every connection open but relays nothing more either way: a service that hangs. */
  hang(): void;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  let hung = false;
  const server = createServer((client) => {
    track(client);
    const upstream = createConnection(target);
    track(upstream);
    client.on('data', (chunk: Buffer) => hung || upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => hung || client.write(chunk));
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let cut: Promise<void> | undefined;
  return {
    port,
    via(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    hang() {
      hung = true;
    },
    cut() {
      cut ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return cut;
    },
  };
}

/** Where a URL's service listens, for startTcpProxy. */
export function targetOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || (parsed.protocol.startsWith('redis') ? 6379 : 5432)) };
}
