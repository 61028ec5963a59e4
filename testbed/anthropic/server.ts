/**
 * A loopback fake of the Anthropic Messages API (`POST /v1/messages`), for tests and the offline demo.
 *
 * Each test scripts the answers as a queue ({@link AnthropicFake.enqueue}); every request is recorded
 * exactly as received (raw bytes and parsed JSON) before it is answered, so tests can assert on the real
 * SDK's wire format. Requests the real API would refuse (see contract.ts) get its 400, and a request that
 * finds the queue empty gets a 500 with `x-should-retry: false`, so a script that runs out fails loudly
 * instead of hanging. Point the SDK at {@link AnthropicFake.url} with `baseURL` or `ANTHROPIC_BASE_URL`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkMessagesRequest } from './contract.js';
import { PromptCacheSimulator, estimateTokens } from './prompt-cache.js';
import type { RecordedRequest, Responder, ScriptedResponse } from './script.js';

export interface AnthropicFake {
  /** `http://127.0.0.1:<port>`, the SDK's `baseURL`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Adds answers to the end of the queue; each request takes the first. */
  enqueue(...responders: Responder[]): void;
  /** How many scripted answers are still queued. */
  remaining(): number;
  /** Ends held (stalled) requests, closes every connection and stops listening. */
  close(): Promise<void>;
}

export interface AnthropicFakeOptions {
  /** Answers requests that find the queue empty (e.g. a recorded transcript); default: a loud 500. */
  fallback?: Responder;
}

const MESSAGES_PATH = '/v1/messages';

function headerRecord(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorResponse(status: number, type: string, message: string, headers: Record<string, string> = {}) {
  return { kind: 'error', status, type, message, headers } satisfies ScriptedResponse;
}

/** Starts the fake on 127.0.0.1 and an ephemeral port. */
export async function startAnthropicFake(options: AnthropicFakeOptions = {}): Promise<AnthropicFake> {
  const queue: Responder[] = [];
  const requests: RecordedRequest[] = [];
  const held = new Set<ServerResponse>();
  const cache = new PromptCacheSimulator();
  let toolIds = 0;
  let messageIds = 0;

  const send = (
    response: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: string,
    index: number,
  ) => {
    response.writeHead(status, {
      'content-type': 'application/json',
      'request-id': `req_fake_${index}`,
      ...headers,
    });
    response.end(body);
  };

  /** The answer a request gets before any script: the API's own refusals. */
  const refusal = (recorded: RecordedRequest): ScriptedResponse | undefined => {
    if (recorded.method !== 'POST' || recorded.path !== MESSAGES_PATH) {
      return errorResponse(404, 'not_found_error', `Not found: ${recorded.method} ${recorded.path}`);
    }
    if (!recorded.headers['x-api-key'] && !recorded.headers.authorization) {
      return errorResponse(401, 'authentication_error', 'x-api-key header is required');
    }
    if (!recorded.headers['anthropic-version']) {
      return errorResponse(400, 'invalid_request_error', 'anthropic-version: header is required');
    }
    if (recorded.body === undefined) {
      return errorResponse(400, 'invalid_request_error', 'The request body is not valid JSON.');
    }
    const problems = checkMessagesRequest(recorded.body);
    return problems.length > 0 ? errorResponse(400, 'invalid_request_error', problems.join('; ')) : undefined;
  };

  const scripted = (recorded: RecordedRequest): ScriptedResponse => {
    const next = queue.shift() ?? options.fallback;
    if (next === undefined) {
      return errorResponse(
        500,
        'api_error',
        `the Anthropic fake has no scripted response left for request #${recorded.index}`,
        { 'x-should-retry': 'false' },
      );
    }
    return typeof next === 'function' ? next(recorded) : next;
  };

  const answer = (recorded: RecordedRequest, response: ServerResponse) => {
    const scriptedResponse = refusal(recorded) ?? scripted(recorded);
    switch (scriptedResponse.kind) {
      case 'stall':
        held.add(response);
        response.on('close', () => held.delete(response));
        return;
      case 'disconnect':
        response.socket?.destroy();
        return;
      case 'raw':
        return send(
          response,
          scriptedResponse.status,
          scriptedResponse.headers,
          scriptedResponse.body,
          recorded.index,
        );
      case 'error': {
        const error: Record<string, unknown> = {
          type: scriptedResponse.type,
          message: scriptedResponse.message,
        };
        if (scriptedResponse.details) error.details = scriptedResponse.details;
        const body = JSON.stringify({ type: 'error', error, request_id: `req_fake_${recorded.index}` });
        return send(response, scriptedResponse.status, scriptedResponse.headers ?? {}, body, recorded.index);
      }
      case 'message': {
        const request = recorded.body as { model?: unknown };
        const content = scriptedResponse.content.map((block) =>
          block.type === 'tool_use' ? { ...block, id: block.id ?? `toolu_fake_${++toolIds}` } : block,
        );
        const usage = {
          ...cache.usageFor(recorded.body),
          output_tokens: estimateTokens(JSON.stringify(content)),
          ...scriptedResponse.usage,
        };
        const body = JSON.stringify({
          id: `msg_fake_${++messageIds}`,
          type: 'message',
          role: 'assistant',
          model: typeof request.model === 'string' ? request.model : 'unknown',
          content,
          stop_reason: scriptedResponse.stopReason,
          stop_sequence: null,
          usage,
        });
        return send(response, 200, scriptedResponse.headers ?? {}, body, recorded.index);
      }
    }
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const recorded: RecordedRequest = {
        index: requests.length,
        method: request.method ?? '',
        path: request.url ?? '',
        headers: headerRecord(request),
        raw,
        body: parseJson(raw.toString('utf8')),
      };
      requests.push(recorded);
      answer(recorded, response);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...responders) => void queue.push(...responders),
    remaining: () => queue.length,
    close: async () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
