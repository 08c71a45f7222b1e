/**
 * Starting and stopping the live outputs' HTTP servers: a port that cannot be had is one line
 * naming the flag, host:port and the OS's reason.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configError } from '../errors.js';
import type { ListenOptions } from './types.js';

/** Listens, and resolves the server's base URL ('http://127.0.0.1:5665'). */
export function listen(server: Server, options: ListenOptions, flag: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException): void => {
      reject(configError('IO', `${flag}: cannot listen on ${hostPort(options.host, options.port)}: ${error.message}`));
    };
    server.once('error', fail);
    try {
      server.listen(options.port, options.host, () => {
        server.off('error', fail);
        // Once listening, a server's errors are connections it failed to accept (EMFILE, say):
        // that client is not answered, the server keeps listening, and the run goes on.
        server.on('error', () => undefined);
        const address = server.address() as AddressInfo;
        resolve(`http://${hostPort(address.address, address.port)}`);
      });
    } catch (error) {
      // A port out of range throws here rather than emitting 'error'.
      server.off('error', fail);
      fail(error as NodeJS.ErrnoException);
    }
  });
}

/** Closes the server and every connection it still has (keep-alive, event streams). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
