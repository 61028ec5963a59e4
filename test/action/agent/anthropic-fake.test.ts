import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { BadRequestError, InternalServerError } from '@anthropic-ai/sdk';
import type Anthropic from '@anthropic-ai/sdk';
import { checkMessagesRequest } from '../../../testbed/anthropic/contract.js';
import { PromptCacheSimulator } from '../../../testbed/anthropic/prompt-cache.js';
import { reply, toolUse } from '../../../testbed/anthropic/script.js';
import { startAnthropicFake } from '../../../testbed/anthropic/server.js';
import type { AnthropicFake } from '../../../testbed/anthropic/server.js';
import { clientFor } from './helpers.js';

let fake: AnthropicFake;
let client: Anthropic;

beforeEach(async () => {
  fake = await startAnthropicFake();
  client = clientFor(fake);
});

afterEach(async () => {
  await fake.close();
});

const TOOL = { name: 't', description: 'd', input_schema: { type: 'object' as const } };
const ask = (messages: Anthropic.Messages.MessageParam[]) =>
  client.messages.create(
    { model: 'claude-haiku-4-5', max_tokens: 100, tools: [TOOL], messages },
    { timeout: 5000 },
  );

describe('the Anthropic fake', () => {
  it('answers with scripted messages the real SDK parses, and records the raw request', async () => {
    fake.enqueue(reply.tools([toolUse('t', { a: 1 })], { input_tokens: 11, output_tokens: 7 }));
    const message = await ask([{ role: 'user', content: 'hi' }]);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      stop_reason: 'tool_use',
      content: [{ type: 'tool_use', id: 'toolu_fake_1', name: 't', input: { a: 1 } }],
      usage: { input_tokens: 11, output_tokens: 7 },
    });
    const [request] = fake.requests;
    expect(request).toMatchObject({ index: 0, method: 'POST', path: '/v1/messages' });
    // SDK 1.x sends the API key as a bearer token.
    expect(request!.headers.authorization).toBe('Bearer test-key');
    expect(request!.headers['anthropic-version']).toBeDefined();
    expect(JSON.parse(request!.raw.toString('utf8'))).toEqual(request!.body);
  });

  it('refuses what the real API refuses: a tool_use left without its tool_result', async () => {
    await expect(
      ask([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 't', input: {} }] },
        { role: 'user', content: [{ type: 'text', text: 'ignored your call' }] },
      ]),
    ).rejects.toThrow(BadRequestError);
    expect(fake.remaining()).toBe(0);
  });

  it('answers an unscripted request with a loud 500 the client must not retry', async () => {
    const error = await ask([{ role: 'user', content: 'hi' }]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).headers.get('x-should-retry')).toBe('false');
    expect((error as InternalServerError).message).toContain('no scripted response left for request #0');
  });

  it('computes answers from the request when scripted with a function, or with a fallback', async () => {
    fake.enqueue((request) =>
      reply.text(`you sent ${(request.body as { messages: unknown[] }).messages.length} message(s)`),
    );
    const message = await ask([{ role: 'user', content: 'hi' }]);
    expect(message.content).toEqual([{ type: 'text', text: 'you sent 1 message(s)' }]);

    const withFallback = await startAnthropicFake({ fallback: reply.text('recorded') });
    try {
      const answer = await clientFor(withFallback).messages.create(
        { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] },
        { timeout: 5000 },
      );
      expect(answer.content).toEqual([{ type: 'text', text: 'recorded' }]);
    } finally {
      await withFallback.close();
    }
  });
});

describe('checkMessagesRequest', () => {
  const base = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] };

  it('accepts a well-formed request', () => {
    expect(checkMessagesRequest(base)).toEqual([]);
  });

  it('names each problem', () => {
    const ephemeral = { type: 'ephemeral' };
    const block = { type: 'text', text: 'x', cache_control: ephemeral };
    expect(
      checkMessagesRequest({
        model: '',
        max_tokens: 0,
        system: [block, block, block],
        tools: [TOOL, TOOL, { name: 'bad name', input_schema: { type: 'string' } }],
        messages: [{ role: 'assistant', content: [block, block] }],
      }),
    ).toEqual([
      'model: Field required',
      'max_tokens: Input should be a positive integer',
      'messages.0.role: first message must use the user role',
      'tools: Tool names must be unique (t)',
      "tools.2.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
      "tools.2.input_schema.type: Input should be 'object'",
      'A maximum of 4 blocks with cache_control may be provided. Found 5 (system[0], system[1], system[2], messages[0].content[0], messages[0].content[1]).',
    ]);
  });

  it('checks tool results answer the previous tool calls and come first', () => {
    expect(
      checkMessagesRequest({
        ...base,
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 't', input: {} }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'first' },
              { type: 'tool_result', tool_use_id: 'a', content: 'ok' },
              { type: 'tool_result', tool_use_id: 'zzz', content: 'ok' },
            ],
          },
        ],
      }),
    ).toEqual([
      'messages.2.content: unexpected `tool_use_id` found in `tool_result` blocks: zzz. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
      'messages.2.content: tool_result blocks must come before any other content',
    ]);
  });
});

describe('PromptCacheSimulator', () => {
  const system = [{ type: 'text', text: 'S'.repeat(4000), cache_control: { type: 'ephemeral' } }];
  const body = (messages: unknown[]) => ({ model: 'm', max_tokens: 1, system, messages });

  it('writes a prefix on first sight and reads it afterwards', () => {
    const cache = new PromptCacheSimulator();
    const first = cache.usageFor(body([{ role: 'user', content: 'hello' }]));
    expect(first.cache_read_input_tokens).toBe(0);
    expect(first.cache_creation_input_tokens).toBeGreaterThan(1000);
    const second = cache.usageFor(body([{ role: 'user', content: 'another question' }]));
    expect(second.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
    expect(second.cache_creation_input_tokens).toBe(0);
    expect(second.input_tokens).toBeGreaterThan(0);
  });

  it('misses when a byte of the prefix changes', () => {
    const cache = new PromptCacheSimulator();
    cache.usageFor(body([{ role: 'user', content: 'x' }]));
    const changed = cache.usageFor({
      ...body([{ role: 'user', content: 'x' }]),
      system: [{ ...system[0], text: 'T'.repeat(4000) }],
    });
    expect(changed.cache_read_input_tokens).toBe(0);
  });
});
