/**
 * What the Anthropic fake answers: a scripted response per request, and builders for the usual ones
 * (a message with text and tool_use blocks, overload, rate limits, the spend limit, stalls, disconnects).
 * Bodies and headers follow the Messages API's documented shapes so the real SDK parses them as it would
 * parse api.anthropic.com.
 */

/** One request as the fake received it: the raw bytes exactly as sent, and the JSON parse of them. */
export interface RecordedRequest {
  /** 0-based position among every request the fake received. */
  index: number;
  method: string;
  /** The path with the query string, e.g. `/v1/messages`. */
  path: string;
  /** Header names lower-cased; repeated headers joined with `, `. */
  headers: Record<string, string>;
  raw: Buffer;
  /** The parsed JSON body, or undefined when the bytes were not JSON. */
  body: unknown;
}

export type ContentBlock =
  { type: 'text'; text: string } | { type: 'tool_use'; id?: string; name: string; input: unknown };

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn';

export type ScriptedResponse =
  /** A 200 message. Without `usage`, the fake estimates tokens and simulates the prompt cache. */
  | {
      kind: 'message';
      content: ContentBlock[];
      stopReason: StopReason;
      usage?: Partial<FakeUsage>;
      headers?: Record<string, string>;
    }
  /** An error in the API's shape: `{type: 'error', error: {type, message, details?}, request_id}`. */
  | {
      kind: 'error';
      status: number;
      type: string;
      message: string;
      details?: Record<string, unknown>;
      headers?: Record<string, string>;
    }
  /** Any status, headers and body bytes, e.g. truncated JSON. */
  | { kind: 'raw'; status: number; headers: Record<string, string>; body: string }
  /** Never answers: the request stays open until the client gives up or the fake closes. */
  | { kind: 'stall' }
  /** Closes the connection without answering. */
  | { kind: 'disconnect' };

/** A fixed response, or one computed from the request (e.g. replaying a recorded transcript). */
export type Responder = ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse);

/** A tool_use block; the fake gives it an id (`toolu_fake_<n>`) when none is set. */
export function toolUse(name: string, input: unknown, id?: string): ContentBlock {
  return id === undefined ? { type: 'tool_use', name, input } : { type: 'tool_use', id, name, input };
}

/** Builders for the responses tests script most. */
export const reply = {
  /** A message that ends the turn with text only. */
  text(text: string, usage?: Partial<FakeUsage>): ScriptedResponse {
    return {
      kind: 'message',
      content: [{ type: 'text', text }],
      stopReason: 'end_turn',
      ...withUsage(usage),
    };
  },
  /** A message that calls tools (stop_reason `tool_use`), optionally after some text. */
  tools(calls: ContentBlock[], usage?: Partial<FakeUsage>): ScriptedResponse {
    return { kind: 'message', content: calls, stopReason: 'tool_use', ...withUsage(usage) };
  },
  /** 529 overloaded_error, as the API sends when it is overloaded. */
  overloaded(headers: Record<string, string> = {}): ScriptedResponse {
    return { kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded', headers };
  },
  /** 429 rate_limit_error, with `retry-after` (seconds) when given. */
  rateLimited(retryAfterSeconds?: number): ScriptedResponse {
    return {
      kind: 'error',
      status: 429,
      type: 'rate_limit_error',
      message: 'Number of request tokens has exceeded your per-minute rate limit',
      headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    };
  },
  /** 429 for a reached spend limit: `error.details.error_code: enforced_spend_limit_reached`, no retry-after. */
  spendLimit(): ScriptedResponse {
    return {
      kind: 'error',
      status: 429,
      type: 'rate_limit_error',
      message: 'You have reached your specified workspace API usage limits.',
      details: { error_code: 'enforced_spend_limit_reached' },
    };
  },
  /** Any error status and type, e.g. `reply.error(500, 'api_error', 'boom', { 'x-should-retry': 'false' })`. */
  error(
    status: number,
    type: string,
    message: string,
    headers: Record<string, string> = {},
  ): ScriptedResponse {
    return { kind: 'error', status, type, message, headers };
  },
  stall(): ScriptedResponse {
    return { kind: 'stall' };
  },
  disconnect(): ScriptedResponse {
    return { kind: 'disconnect' };
  },
};

function withUsage(usage: Partial<FakeUsage> | undefined): { usage?: Partial<FakeUsage> } {
  return usage === undefined ? {} : { usage };
}
