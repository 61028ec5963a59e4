/**
 * Fault injection: make chosen requests fail, slow down, or fail after their write was stored (a 502 on
 * a POST that did create the comment — checklist 38), with GitHub's bodies and headers for rate limits.
 */
import type { GitHubErrorBody } from './errors.js';

/** One injected fault. */
export interface FaultSpec {
  /**
   * Which requests: an operationId (`issues/create-comment`) or `METHOD /path`, where the path is the
   * template (`/repos/{owner}/{repo}/issues`) or the concrete path. Absent: every request.
   */
  route?: string;
  /** How many matching requests it applies to; default 1. `Infinity` for all. */
  times?: number;
  /** The status to answer with; absent: the request is only delayed. */
  status?: number;
  /** Headers to add (e.g. `retry-after`, `x-ratelimit-remaining`). */
  headers?: Record<string, string>;
  /** The body; default GitHub's error body for the status. */
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
  /**
   * A network failure instead of a clean answer: `reset` drops the connection (ECONNRESET), `hang` never
   * answers (until the server closes), `truncate` sends half the body and drops the connection.
   */
  network?: 'reset' | 'hang' | 'truncate';
  /**
   * `before` (default): answer instead of the handler, nothing is stored. `after`: run the handler (its
   * changes stay, webhooks included), then answer with the fault — a write the client thinks failed.
   */
  when?: 'before' | 'after';
}

/** A fault that is armed; `remaining` counts down as it fires. */
export interface ArmedFault {
  readonly spec: FaultSpec;
  readonly remaining: number;
  /** How many requests it has shaped so far. */
  readonly fired: number;
  /** Disarms it. */
  cancel(): void;
}

/** The request a fault is matched against. */
export interface FaultTarget {
  method: string;
  path: string;
  template: string;
  operationId: string;
}

class Armed implements ArmedFault {
  remaining: number;
  fired = 0;
  constructor(
    readonly spec: FaultSpec,
    private readonly onCancel: (fault: Armed) => void,
  ) {
    this.remaining = spec.times ?? 1;
  }
  cancel(): void {
    this.onCancel(this);
  }
}

/** True when `route` names the target. */
function matches(route: string | undefined, target: FaultTarget): boolean {
  if (route === undefined) return true;
  if (route === target.operationId) return true;
  const [method, path] = route.split(' ', 2);
  return (
    method?.toUpperCase() === target.method.toUpperCase() &&
    (path === target.path || path === target.template)
  );
}

/** The armed faults of one fake, first armed first served. */
export class Faults {
  private armed: Armed[] = [];

  /** Arms a fault; returns its handle. */
  inject(spec: FaultSpec): ArmedFault {
    const fault = new Armed(spec, (cancelled) => {
      this.armed = this.armed.filter((candidate) => candidate !== cancelled);
    });
    if (fault.remaining > 0) this.armed.push(fault);
    return fault;
  }

  /** Takes the first armed fault matching the target (counting it down), or undefined. */
  take(target: FaultTarget): FaultSpec | undefined {
    const fault = this.armed.find((candidate) => matches(candidate.spec.route, target));
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    fault.fired += 1;
    if (fault.remaining <= 0) fault.cancel();
    return fault.spec;
  }

  /** Disarms every fault. */
  clear(): void {
    this.armed = [];
  }
}

/**
 * A primary rate limit: 403, `x-ratelimit-remaining: 0` and a reset time, with GitHub's message.
 * Spread it into a spec: `inject({ route, ...primaryRateLimit({ resetAt }) })`.
 */
export function primaryRateLimit(options: { resetAt: Date; limit?: number; status?: 403 | 429 }): FaultSpec {
  const limit = options.limit ?? 5000;
  const body: GitHubErrorBody = {
    message: 'API rate limit exceeded for installation.',
    documentation_url:
      'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
    status: String(options.status ?? 403),
  };
  return {
    status: options.status ?? 403,
    body,
    headers: {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': String(limit),
      'x-ratelimit-reset': String(Math.ceil(options.resetAt.getTime() / 1000)),
      'x-ratelimit-resource': 'core',
    },
  };
}

/**
 * A secondary rate limit: 403 (or 429) "You have exceeded a secondary rate limit", with `retry-after`
 * when `retryAfterSeconds` is given (GitHub sometimes omits it).
 */
export function secondaryRateLimit(
  options: { retryAfterSeconds?: number; status?: 403 | 429 } = {},
): FaultSpec {
  const status = options.status ?? 403;
  return {
    status,
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: String(status),
    },
    headers:
      options.retryAfterSeconds === undefined ? {} : { 'retry-after': String(options.retryAfterSeconds) },
  };
}

/** A server error (default 502) answered after the handler stored the write, as checklist 38 wants. */
export function serverErrorAfterWrite(status = 502): FaultSpec {
  return { status, when: 'after' };
}
