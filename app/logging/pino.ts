/**
 * Puts the log scope on every line of Probot's logger (pino): a mixin on the logger the app's other
 * loggers descend from, so Probot's own lines, Octokit's request lines and the conductor's all name the
 * delivery, item and run they were written for. Set through `pino.symbols`, pino's documented way to adjust
 * a logger made elsewhere (Probot makes this one, with its formatting from LOG_FORMAT).
 */
import pino from 'pino';
import type { Logger } from 'probot';
import { logScope } from './scope.js';

type Mixin = (merge: object, level: number, logger: Logger) => object;

/**
 * Adds the scope to every line `log` and its children write (children made before and after: they look
 * the mixin up on it). A mixin the logger had already still applies; fields given on a line win.
 */
export function scopeLogs(log: Logger): void {
  const holder = log as unknown as Record<symbol, Mixin | undefined>;
  const previous = holder[pino.symbols.mixinSym];
  holder[pino.symbols.mixinSym] = (merge, level, logger) => ({
    ...(previous?.(merge, level, logger) ?? {}),
    ...logScope(),
  });
}
