/**
 * Characters JSON.stringify leaves as they are but a log viewer may break a line at or reorder text
 * around: DEL and the C1 controls (U+0085 is a line break in Unicode), the line and paragraph
 * separators U+2028 and U+2029, and the bidirectional controls.
 */
const UNSAFE_IN_LOGS = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escape = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A value taken from a request, made safe for a log line: JSON-quoted (so a newline or a control
 * character cannot start a forged line), with the characters above escaped too, and cut to `max`
 * characters.
 */
export function quote(value: unknown, max = 60): string {
	const text = typeof value === 'string' ? value : String(value);
	const cut = text.length > max;
	const quoted = JSON.stringify(cut ? text.slice(0, max) : text).replace(UNSAFE_IN_LOGS, escape);
	return cut ? `${quoted}…` : quoted;
}
