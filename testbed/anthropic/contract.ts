/**
 * The parts of the Messages API's request contract a tool-use loop can get wrong, checked the way the real
 * API refuses them (400 `invalid_request_error`), so a protocol bug fails against the fake as it would in
 * production instead of passing silently.
 */

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The content blocks of a message or system field: a string counts as one text block. */
export function blocksOf(content: unknown): Json[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter(isObject) : [];
}

/** Where `cache_control` breakpoints sit, as `tools[i]`, `system[i]`, `messages[i].content[j]`. */
export function cacheBreakpoints(body: Json): string[] {
  const where: string[] = [];
  (Array.isArray(body.tools) ? body.tools : []).forEach((tool, i) => {
    if (isObject(tool) && tool.cache_control) where.push(`tools[${i}]`);
  });
  blocksOf(body.system).forEach((block, i) => {
    if (block.cache_control) where.push(`system[${i}]`);
  });
  (Array.isArray(body.messages) ? body.messages : []).forEach((message, i) => {
    if (!isObject(message)) return;
    blocksOf(message.content).forEach((block, j) => {
      if (block.cache_control) where.push(`messages[${i}].content[${j}]`);
    });
  });
  return where;
}

function checkTools(tools: unknown, problems: string[]): void {
  if (tools === undefined) return;
  if (!Array.isArray(tools)) {
    problems.push('tools: Input should be a valid list');
    return;
  }
  const names = new Set<string>();
  tools.forEach((tool, i) => {
    if (!isObject(tool)) return void problems.push(`tools.${i}: Input should be an object`);
    const name = tool.name;
    if (typeof name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
      problems.push(`tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
    } else if (names.has(name)) problems.push(`tools: Tool names must be unique (${name})`);
    else names.add(name);
    if (!isObject(tool.input_schema) || tool.input_schema.type !== 'object') {
      problems.push(`tools.${i}.input_schema.type: Input should be 'object'`);
    }
  });
}

/** Every tool_use must be answered by a tool_result in the next user message, results first. */
function checkToolPairs(messages: unknown[], problems: string[]): void {
  messages.forEach((message, i) => {
    if (!isObject(message)) return void problems.push(`messages.${i}: Input should be an object`);
    if (message.role !== 'user' && message.role !== 'assistant') {
      problems.push(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
    const blocks = blocksOf(message.content);
    if (message.role === 'user') {
      const previous = messages[i - 1];
      const asked = new Set(
        isObject(previous) && previous.role === 'assistant'
          ? blocksOf(previous.content)
              .filter((block) => block.type === 'tool_use')
              .map((block) => block.id)
          : [],
      );
      const answered = blocks.filter((block) => block.type === 'tool_result');
      for (const result of answered) {
        if (!asked.has(result.tool_use_id)) {
          problems.push(
            `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(result.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          );
        }
      }
      const firstOther = blocks.findIndex((block) => block.type !== 'tool_result');
      if (firstOther >= 0 && blocks.slice(firstOther).some((block) => block.type === 'tool_result')) {
        problems.push(`messages.${i}.content: tool_result blocks must come before any other content`);
      }
    }
    if (message.role === 'assistant') {
      const ids = blocks.filter((block) => block.type === 'tool_use').map((block) => block.id);
      if (ids.length === 0) return;
      const next = messages[i + 1];
      const results = new Set(
        isObject(next) && next.role === 'user'
          ? blocksOf(next.content)
              .filter((block) => block.type === 'tool_result')
              .map((block) => block.tool_use_id)
          : [],
      );
      const missing = ids.filter((id) => !results.has(id));
      if (missing.length > 0 && i + 1 < messages.length) {
        problems.push(
          `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
      }
    }
  });
}

/** The problems the real API would answer with a 400, one line each; empty when the body is acceptable. */
export function checkMessagesRequest(body: unknown): string[] {
  if (!isObject(body)) return ['body: Input should be a JSON object'];
  const problems: string[] = [];
  if (typeof body.model !== 'string' || body.model === '') problems.push('model: Field required');
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) {
    problems.push('max_tokens: Input should be a positive integer');
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    problems.push('messages: at least one message is required');
  } else {
    const first = body.messages[0];
    if (!isObject(first) || first.role !== 'user')
      problems.push('messages.0.role: first message must use the user role');
    checkToolPairs(body.messages, problems);
  }
  checkTools(body.tools, problems);
  const breakpoints = cacheBreakpoints(body);
  if (breakpoints.length > 4) {
    problems.push(
      `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints.length} (${breakpoints.join(', ')}).`,
    );
  }
  return problems;
}
