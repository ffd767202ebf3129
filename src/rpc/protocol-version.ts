import { SweeperError } from '../errors/sweeper-error.js';

/** The protocol version this build speaks (proto/sweeper/v1). Bump it when a field's meaning changes. */
export const PROTOCOL_VERSION = 1;

/** The worker versions this coordinator can serve. */
export const ACCEPTED_PROTOCOL_VERSIONS: { readonly min: number; readonly max: number } = { min: 1, max: 1 };

export class ProtocolVersionError extends SweeperError {
  constructor(readonly offered: number) {
    const { min, max } = ACCEPTED_PROTOCOL_VERSIONS;
    const accepted = min === max ? `version ${min}` : `versions ${min} to ${max}`;
    super(
      'FAILED_PRECONDITION',
      `the worker speaks protocol version ${offered}, but this coordinator accepts ${accepted} only`,
      `run a worker whose sweeper speaks protocol ${accepted} (this coordinator's version), or upgrade the coordinator`,
    );
    this.name = 'ProtocolVersionError';
  }
}

export function checkProtocolVersion(offered: number): void {
  if (offered < ACCEPTED_PROTOCOL_VERSIONS.min || offered > ACCEPTED_PROTOCOL_VERSIONS.max) throw new ProtocolVersionError(offered);
}
