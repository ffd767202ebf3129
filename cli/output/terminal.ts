import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { jsonWithoutControls, visibleControls } from '../../src/logging/visible-controls.js';

// The one place the CLI writes to its standard streams (lint forbids process.stdout.write and
// console elsewhere in cli/): what it prints holds text from sweep files, workers and trial
// errors, and a terminal would act on the escape sequences in it (OSC 52 sets the clipboard).

/** Text for standard output, its control characters shown as `\xNN`. */
export function printOut(text: string): void {
  process.stdout.write(visibleControls(text));
}

/** Text for standard error, its control characters shown as `\xNN`. */
export function printErr(text: string): void {
  process.stderr.write(visibleControls(text));
}

/**
 * JSON text for standard output (`--json`): JSON.stringify escapes the C0 controls, and DEL and
 * the C1 controls are written `\u00NN`, so a program reads the same value.
 */
export function printJson(json: string): void {
  process.stdout.write(jsonWithoutControls(json));
}

/**
 * A stream stage that shows control characters as `\xNN`, for text streamed to a terminal (CSV
 * on standard output when it is one; into a pipe or a file, CSV stays byte for byte the data).
 */
export function visibleControlsStage(): Transform {
  const decoder = new StringDecoder('utf8');
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, visibleControls(decoder.write(chunk)));
    },
    flush(done) {
      done(null, visibleControls(decoder.end()));
    },
  });
}
