import type { ServerDuplexStream } from '@grpc/grpc-js';
import { InvalidArgumentError } from '../src/errors/invalid-argument-error.js';
import type { ReportReply, ReportRequest } from '../src/wire/gen/sweeper/v1/coordinator_pb.js';

type Call = ServerDuplexStream<ReportRequest, ReportReply>;

/**
 * Requests a stream may have queued behind the one in hand. A worker sends one and waits for its
 * reply; a peer that does not is cut off before it can pile up work and memory here.
 */
const MAX_QUEUED = 16;

/** One open stream: its requests are answered one after the other, in the order they came. */
class ServedStream {
  private chain: Promise<void> = Promise.resolve();
  /** Requests taken and not yet answered, the one in hand included. */
  private pending = 0;
  private over = false;

  constructor(
    private readonly call: Call,
    private readonly handle: (request: ReportRequest) => Promise<ReportReply>,
    private readonly refuse: (error: unknown) => void,
    /** Whether the coordinator is closing: the stream then ends as soon as it is idle. */
    private readonly closing: () => boolean,
    private readonly onOver: () => void,
  ) {
    call.on('data', (request: ReportRequest) => this.take(request));
    // The worker closed its side: the stream ends once what it sent is answered.
    call.on('end', () => void this.chain.then(() => this.end()));
    call.on('cancelled', () => this.forget());
    call.on('error', () => this.forget());
  }

  get idle(): boolean {
    return this.pending === 0;
  }

  /** Ends the stream with an OK status (its worker opens another, or finds the next leader). */
  end(): void {
    if (this.over) return;
    this.forget();
    this.call.end();
  }

  private take(request: ReportRequest): void {
    if (this.over) return;
    if (++this.pending > MAX_QUEUED) {
      this.fail(new InvalidArgumentError(`Reports: more than ${MAX_QUEUED} requests sent without waiting for their replies`));
      return;
    }
    this.chain = this.chain.then(async () => {
      if (this.over) return;
      try {
        const reply = await this.handle(request);
        if (!this.over) this.call.write(reply);
      } catch (error) {
        this.fail(error);
      } finally {
        this.pending--;
        if (this.pending === 0 && this.closing()) this.end();
      }
    });
  }

  /** A request refused whole ends the stream with the status a Report call would have had. */
  private fail(error: unknown): void {
    if (this.over) return;
    this.forget();
    this.refuse(error);
  }

  private forget(): void {
    if (this.over) return;
    this.over = true;
    this.onOver();
  }
}

/**
 * The coordinator's Reports streams. Each request is handled as a Report call would be, in the
 * order the worker sent them. On close, the streams are ended once their request in hand is
 * answered: the gRPC server's shutdown waits for every open call, and a worker's stream stays
 * open between epochs, so it would wait forever.
 */
export class ReportStreams {
  private readonly open = new Set<ServedStream>();
  private closing = false;

  serve(call: Call, handle: (request: ReportRequest) => Promise<ReportReply>, refuse: (error: unknown) => void): void {
    if (this.closing) {
      call.end();
      return;
    }
    const stream: ServedStream = new ServedStream(
      call,
      handle,
      refuse,
      () => this.closing,
      () => this.open.delete(stream),
    );
    this.open.add(stream);
  }

  /** Ends the idle streams now, and each busy one once its requests are answered. */
  close(): void {
    this.closing = true;
    for (const stream of this.open) if (stream.idle) stream.end();
  }
}
