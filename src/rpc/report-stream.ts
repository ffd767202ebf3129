import { Metadata, status as Status, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import type { ReportReply, ReportRequest } from '../wire/gen/sweeper/v1/coordinator_pb.js';

/** Opens the Reports call on the current connection. */
export type OpenReports = () => ClientDuplexStream<ReportRequest, ReportReply>;

interface Waiting {
  readonly resolve: (reply: ReportReply) => void;
  readonly reject: (error: ServiceError) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The worker's side of the Reports stream: one long-lived call that carries a request, then its
 * reply, then the next request. The caller (the report outbox) sends one at a time, so the next
 * reply is always the answer to the request waiting: no request ids. A request not answered
 * within `timeoutMs` fails with DEADLINE_EXCEEDED and the stream is dropped, as a unary call's
 * deadline would; any failure of the stream fails the request waiting with the stream's status,
 * and the next request opens a new stream.
 */
export class ReportStream {
  private call: ClientDuplexStream<ReportRequest, ReportReply> | undefined;
  private waiting: Waiting | undefined;

  constructor(
    private readonly open: OpenReports,
    private readonly timeoutMs: number,
  ) {}

  send(request: ReportRequest): Promise<ReportReply> {
    if (this.waiting) return Promise.reject(new Error('ReportStream.send: the previous request has no reply yet'));
    const call = (this.call ??= this.start());
    return new Promise<ReportReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(call, serviceError(Status.DEADLINE_EXCEEDED, `the coordinator did not answer the report within ${this.timeoutMs} ms`));
        call.cancel();
      }, this.timeoutMs);
      this.waiting = { resolve, reject, timer };
      call.write(request);
    });
  }

  /** Ends the stream (a failover, a closing client); a request waiting fails as CANCELLED. */
  close(): void {
    const call = this.call;
    if (!call) return;
    this.fail(call, serviceError(Status.CANCELLED, 'the report stream was closed'));
    call.end();
    call.cancel();
  }

  private start(): ClientDuplexStream<ReportRequest, ReportReply> {
    const call = this.open();
    call.on('data', (reply: ReportReply) => {
      if (call !== this.call) return;
      const waiting = this.waiting;
      if (!waiting) {
        // A reply nobody asked for: every later one would answer the wrong request.
        this.call = undefined;
        call.cancel();
        return;
      }
      this.waiting = undefined;
      clearTimeout(waiting.timer);
      waiting.resolve(reply);
    });
    call.on('error', (error: ServiceError) => this.fail(call, error));
    // After 'error' if there was one; an OK status means the coordinator ended the stream (it is shutting down).
    call.on('status', ({ code, details }: { code: Status; details: string }) =>
      this.fail(
        call,
        serviceError(
          code === Status.OK ? Status.UNAVAILABLE : code,
          code === Status.OK ? 'the coordinator closed the report stream' : details,
        ),
      ),
    );
    return call;
  }

  /** The stream is over: the request waiting fails with `error`, and the next one opens another. */
  private fail(call: ClientDuplexStream<ReportRequest, ReportReply>, error: ServiceError): void {
    if (call !== this.call) return;
    this.call = undefined;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (!waiting) return;
    clearTimeout(waiting.timer);
    waiting.reject(error);
  }
}

function serviceError(code: Status, details: string): ServiceError {
  return Object.assign(new Error(`${code} ${Status[code]}: ${details}`), { code, details, metadata: new Metadata() });
}
