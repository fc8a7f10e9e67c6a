/**
 * A value taken from a request, made safe for a log line: JSON-quoted (so a newline or a control
 * character cannot start a forged line) and cut to `max` characters.
 */
export function quote(value: unknown, max = 60): string {
	const text = typeof value === 'string' ? value : String(value);
	return text.length > max ? `${JSON.stringify(text.slice(0, max))}…` : JSON.stringify(text);
}
