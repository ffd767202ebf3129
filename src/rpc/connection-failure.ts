import { SweeperError } from '../errors/sweeper-error.js';

interface Cause {
  /** Matched against grpc-js's `details`, the only place it says why a connection failed. */
  readonly test: RegExp;
  /** What happened, in words, after `cannot reach the coordinator at ADDRESS`. */
  readonly what: (details: string) => string;
  /** What to check, for the address that was tried (or the list of them). */
  readonly hint: (address: string) => string;
}

/** `the coordinator at A`, or for a leader and its standbys `any of the coordinators at A, B`. */
function reaching(address: string): string {
  const list = address.split(',');
  return list.length > 1 ? `any of the coordinators at ${list.join(', ')}` : `the coordinator at ${address}`;
}

const CHECK_ADDRESS = 'check --coordinator (or SWEEPER_COORDINATOR)';

/** Most telling first: a TLS error's text can also hold "Failed to connect" or a reset. */
const CAUSES: readonly Cause[] = [
  {
    test: /ECONNREFUSED/,
    what: () => 'connection refused',
    hint: (address) =>
      address.includes(',')
        ? `is one of them leading? (a standby listens only once it leads) ${CHECK_ADDRESS} and the firewall`
        : `is \`sweeper coordinator --listen ${address}\` running there? ${CHECK_ADDRESS} and the firewall`,
  },
  {
    test: /Name resolution failed|ENOTFOUND|EAI_AGAIN|getaddrinfo/,
    what: () => 'host name not found',
    hint: () => `${CHECK_ADDRESS}: its host must be a name this machine can resolve, or an IP address`,
  },
  {
    test: /EHOSTUNREACH|ENETUNREACH|ETIMEDOUT/,
    what: (details) => (/ETIMEDOUT/.test(details) ? 'connecting timed out' : 'no route to the host'),
    hint: () => `${CHECK_ADDRESS}, the network between the machines, and the firewall`,
  },
  {
    test: /wrong version number|packet length too long|http request|ssl3_get_record/i,
    what: () => 'TLS failed: the coordinator does not speak TLS',
    hint: () => 'drop --tls-ca (and --tls-cert, --tls-key), or start the coordinator with --tls-cert and --tls-key',
  },
  {
    test: /certificate required|alert handshake failure|alert bad certificate|alert unknown ca|peer did not return a certificate/i,
    what: () => 'the coordinator requires a client certificate (mutual TLS)',
    hint: () => "give --tls-cert and --tls-key: a certificate signed by the CA of the coordinator's --tls-ca",
  },
  {
    test: /unable to verify|self[- ]signed certificate|certificate has expired|certificate is not yet valid|altnames|unable to get (local )?issuer|CERT_/i,
    what: (details) => `its TLS certificate is not trusted: ${tlsReason(details)}`,
    hint: () => "give --tls-ca the CA that signed the coordinator's certificate, and an address the certificate names",
  },
  {
    test: /Received HTTP status code|Protocol error/,
    what: () => 'something answers there, but not a sweeper coordinator',
    hint: () => `check the port: \`sweeper coordinator\` listens on 7400 unless told otherwise, its dashboard on 7401; ${CHECK_ADDRESS}`,
  },
  {
    test: /Failed to connect|ECONNRESET|Connection dropped|socket hang up/,
    what: () => 'the connection was closed while it was set up',
    hint: () => `a coordinator serving TLS closes plain connections: give --tls-ca if it has --tls-cert; else ${CHECK_ADDRESS}`,
  },
];

/**
 * A call that never reached a coordinator, said so that a user can act on it: what was tried, why
 * it failed in words (refused, host not found, no answer in time, TLS on one side only, a
 * certificate not trusted or missing, something else on the port) and what to check, instead of
 * grpc-js's `14 UNAVAILABLE: No connection established. Last error: ...`.
 */
export function connectionFailure(address: string, details: string, timedOut: boolean): SweeperError {
  if (timedOut) {
    const seconds = /Deadline exceeded after ([\d.]+)s/.exec(details)?.[1];
    return new SweeperError(
      'UNAVAILABLE',
      `cannot reach ${reaching(address)} (no answer${seconds === undefined ? '' : ` within ${Number(Number(seconds).toFixed(1))} s`})`,
      `${CHECK_ADDRESS}, that the coordinator's machine is up and that no firewall drops the packets; a coordinator too busy to answer looks the same`,
    );
  }
  const cause = CAUSES.find((c) => c.test.test(details));
  if (cause !== undefined)
    return new SweeperError('UNAVAILABLE', `cannot reach ${reaching(address)} (${cause.what(details)})`, cause.hint(address));
  return new SweeperError(
    'UNAVAILABLE',
    `cannot reach ${reaching(address)}${details === '' ? '' : ` (${lastError(details)})`}`,
    `is \`sweeper coordinator\` running there? ${CHECK_ADDRESS}, the firewall, and the TLS options (--tls-ca)`,
  );
}

/** grpc-js's text without its wrapping: `No connection established. Last error: Error: X (time). Resolution note: `. */
function lastError(details: string): string {
  return details
    .replace(/^No connection established\. Last error: /, '')
    .replace(/\. Resolution note:.*$/s, '')
    .replace(/ \(\d{4}-\d\d-\d\dT[\d:.]+Z\)$/, '')
    .replace(/^Error: /, '')
    .trim();
}

/** OpenSSL's reason without its codes and source file: `unable to verify the first certificate`. */
function tlsReason(details: string): string {
  const reason = lastError(details);
  return /SSL routines:[^:]*:([^:]+)/.exec(reason)?.[1] ?? reason;
}
