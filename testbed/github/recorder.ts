/**
 * The log of every request the fake received, for assertions: what was called (operation), with what
 * (query, body), by whom (token → installation), what it answered, and when.
 */
import type { CallerSummary } from './auth.js';

/** One request as the fake saw and answered it. */
export interface RecordedRequest {
  /** Position in the log, from 1. */
  seq: number;
  method: string;
  /** The path as sent (including any `/api/v3` prefix), without the query string. */
  path: string;
  /** The matched operation, e.g. `issues/create`; undefined for unknown routes. */
  operationId: string | undefined;
  query: Record<string, string | string[]>;
  /** The parsed JSON body, the raw text when it was not JSON, or undefined when there was none. */
  body: unknown;
  /** The status sent; 0 when none was (an injected reset or hang). */
  status: number;
  /** When the request arrived (the fake's clock) and how long the answer took. */
  at: Date;
  durationMs: number;
  auth: CallerSummary;
  /** True when an injected fault shaped the answer. */
  faulted: boolean;
  /** Testbed-only explanation of an error answer (the `x-testbed-detail` header). */
  detail: string | undefined;
}

/** A filter over the log: an operationId, `METHOD path` (either as sent or the template), or a predicate. */
export type RequestMatcher = string | ((request: RecordedRequest) => boolean);

/** The request log of one fake. */
export class RequestLog {
  private readonly entries: RecordedRequest[] = [];

  /** Appends a request; used by the server only. */
  add(entry: Omit<RecordedRequest, 'seq'>): RecordedRequest {
    const recorded = { ...entry, seq: this.entries.length + 1 };
    this.entries.push(recorded);
    return recorded;
  }

  /** Every request so far, oldest first (a copy). */
  all(): RecordedRequest[] {
    return [...this.entries];
  }

  /** The requests that match, oldest first. A string matches the operationId or `METHOD /path`. */
  filter(matcher: RequestMatcher): RecordedRequest[] {
    if (typeof matcher === 'function') return this.entries.filter(matcher);
    return this.entries.filter(
      (entry) => entry.operationId === matcher || `${entry.method} ${entry.path}` === matcher,
    );
  }

  /** How many requests match. */
  count(matcher: RequestMatcher): number {
    return this.filter(matcher).length;
  }

  /** Requests that changed something (any method but GET and HEAD). */
  writes(): RecordedRequest[] {
    return this.entries.filter((entry) => entry.method !== 'GET' && entry.method !== 'HEAD');
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries.length = 0;
  }
}
