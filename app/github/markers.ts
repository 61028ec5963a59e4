/**
 * Hidden markers: every comment and issue the app creates carries `<!-- ai-orchestrator:<key> -->`, so a
 * create that may already have happened (a POST retried after a 5xx, a step repeated after a crash) can
 * be found again instead of being made twice.
 */

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,199}$/;

/** The marker of `key`. Throws a RangeError for a key that could break out of the HTML comment. */
export function marker(key: string): string {
  if (!KEY_PATTERN.test(key)) throw new RangeError(`invalid marker key ${JSON.stringify(key)}`);
  return `<!-- ai-orchestrator:${key} -->`;
}

/** `body` with the marker of `key` appended on its own line. */
export function withMarker(body: string, key: string): string {
  return `${body}\n\n${marker(key)}`;
}

/** Whether `body` carries the marker of `key`. */
export function hasMarker(body: string | null | undefined, key: string): boolean {
  return typeof body === 'string' && body.includes(marker(key));
}
