/**
 * Terminal safety for text that comes from the inputs (file names, object names, values quoted in
 * messages): control characters and invisible formatting characters are shown escaped, so a
 * manifest cannot move the cursor, retitle or recolour the terminal, forge output lines or
 * reorder what is shown.
 *
 * - Human-readable text: C0 controls (including newline, tab and ESC, so no ANSI sequence
 *   survives), DEL and C1 controls become `\xNN`; bidirectional controls (U+061C, U+200E/F,
 *   U+202A–U+202E, U+2066–U+2069), line and paragraph separators (U+2028/9) and the BOM
 *   (U+FEFF) become `\uNNNN`.
 * - JSON (and SARIF): the same characters are written as JSON `\uNNNN` escapes, so the document
 *   stays valid JSON with the exact same values and prints harmlessly.
 */

/** The characters escaped in every output format. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** What `JSON.stringify` leaves raw inside strings (it escapes C0 itself; raw C0 outside strings is layout). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function hex(c: string, width: number): string {
  return c.charCodeAt(0).toString(16).padStart(width, '0');
}

/** `text` with every control and invisible formatting character escaped (`\x1b`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => (c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

/**
 * A JSON document (from `JSON.stringify`) with the characters `JSON.stringify` leaves as they are
 * (DEL, C1 controls, bidirectional controls, U+2028/9, BOM) written as `\uNNNN` escapes. The
 * parsed values are unchanged; only inside strings can these characters occur.
 */
export function asciiSafeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4)}`);
}
