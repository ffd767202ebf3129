import { SweeperError } from './sweeper-error.js';

/** The sampler has no new point to give: every point of a grid has been tried. */
export class SearchExhaustedError extends SweeperError {
  constructor(message: string) {
    super('OUT_OF_RANGE', message);
    this.name = 'SearchExhaustedError';
  }
}
