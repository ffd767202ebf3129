import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';

export interface ConnectionLimits {
  /** Open connections at most; one more is closed at once. */
  readonly maxConnections: number;
  /** A connection that has made no authorized call by then is closed. */
  readonly authTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 4096, authTimeoutMs: 10_000 };

/**
 * The coordinator's listening socket, in front of gRPC: grpc-js keeps every connection that never
 * calls (thousands of idle HTTP/2 sessions took the coordinator from 88 to 393 MB, for good). Each
 * accepted socket is handed to gRPC, closed unless a call on it passes the token check within
 * authTimeoutMs, and refused beyond maxConnections.
 */
export class ConnectionGuard {
  private readonly server: Server;
  /** Not yet authorized, by the peer address gRPC reports for their calls. */
  private readonly waiting = new Map<string, { socket: Socket; timer: NodeJS.Timeout }>();
  private readonly open = new Set<Socket>();
  private refusedSinceFull = 0;

  constructor(
    private readonly limits: ConnectionLimits,
    inject: (socket: Socket) => void,
    private readonly logger: Logger,
  ) {
    this.server = createServer((socket) => this.accept(socket, inject));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  /** A call from `peer` (`HOST:PORT`, as grpc-js's getPeer says it) passed the token check. */
  authorized(peer: string): void {
    const entry = this.waiting.get(peer);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.waiting.delete(peer);
  }

  /** Stops accepting; connections that never authorized are closed, gRPC closes the others. */
  close(): void {
    this.server.close();
    for (const { socket } of this.waiting.values()) socket.resetAndDestroy();
  }

  private accept(socket: Socket, inject: (socket: Socket) => void): void {
    if (this.open.size >= this.limits.maxConnections) {
      if (this.refusedSinceFull++ === 0)
        this.logger.warn({ maxConnections: this.limits.maxConnections }, 'too many open connections: refusing new ones');
      socket.destroy();
      return;
    }
    const peer = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`;
    this.open.add(socket);
    const timer = setTimeout(() => {
      this.logger.debug({ peer }, 'closing a connection that made no authorized call');
      // destroy() leaves a socket that an HTTP/2 session holds (awaiting its preface) open; a reset closes it.
      socket.resetAndDestroy();
    }, this.limits.authTimeoutMs);
    timer.unref();
    this.waiting.set(peer, { socket, timer });
    socket.once('close', () => {
      this.open.delete(socket);
      const entry = this.waiting.get(peer);
      if (entry?.socket === socket) {
        clearTimeout(entry.timer);
        this.waiting.delete(peer);
      }
      if (this.open.size < this.limits.maxConnections && this.refusedSinceFull > 0) {
        this.logger.warn({ refused: this.refusedSinceFull }, 'accepting connections again');
        this.refusedSinceFull = 0;
      }
    });
    socket.on('error', () => socket.destroy());
    inject(socket);
  }
}
