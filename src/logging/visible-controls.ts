/**
 * C0 controls but tab and newline, DEL, and C1 controls. A terminal acts on them instead of
 * showing them: ESC and CSI (0x9b) start sequences that move the cursor, rewrite the screen or
 * the title, and OSC 52 (ESC ] 52 or 0x9d 52) sets the clipboard; CR and backspace overwrite
 * what came before. Tab and newline are layout, and harmless on their own.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is what this file is for
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** DEL and the C1 controls, which JSON.stringify leaves raw (it escapes only those below 0x20). */
const RAW_IN_JSON = /[\x7f-\x9f]/g;

const hex = (char: string): string => char.charCodeAt(0).toString(16).padStart(2, '0');

/**
 * Text for a terminal: every control character that a terminal would act on becomes visible as
 * `\xNN` (ESC shows as `\x1b`). Text without one comes back as it was.
 */
export function visibleControls(text: string): string {
  return text.replace(CONTROLS, (char) => `\\x${hex(char)}`);
}

/**
 * JSON text whose DEL and C1 characters are written `\u00NN`: the same JSON value, and nothing
 * in it that a terminal acts on (JSON.stringify has already escaped the C0 controls).
 */
export function jsonWithoutControls(json: string): string {
  return json.replace(RAW_IN_JSON, (char) => `\\u00${hex(char)}`);
}
