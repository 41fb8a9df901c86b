import net from 'node:net';

export interface HeldPort {
  port: number;
  close(): Promise<void>;
}

/** A program that is not Temporal on a free loopback port: it accepts connections and says nothing. */
export function holdPort(): Promise<HeldPort> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<net.Socket>();
    const srv = net.createServer((s) => sockets.add(s));
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () =>
      resolve({
        port: (srv.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            srv.close(() => r());
          }),
      }),
    );
  });
}
