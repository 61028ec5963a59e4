/**
 * Plays transcripts of model replies to the agents, through the loopback Anthropic fake, so the real SDK
 * and the real agent loop run unchanged and only the model's side is prewritten.
 *
 * A transcript is one agent run: its role, what identifies the run (text its first user message must
 * contain), and the replies of each turn. The player reads every request the way the API would see it:
 * the role from the system prompt (the role's prompt starts with `# Role: <role>`), the run from the
 * first user message, the turn from the conversation. Each tool_use id it hands out names the run it
 * belongs to, so parallel runs (four reviewers at once, stories side by side) never get mixed up.
 *
 * A transcript is only valid while the world answers the way it did when it was written: each turn says
 * what the tool results it answers must look like (no error, a failing test run, a passing one). When the
 * conversation departs from the script, the player does not improvise: it answers with an API error
 * naming the divergence, the agent run fails, and the stage says why.
 */
import type { AgentRole } from '../../core/roles.js';
import { AGENT_ROLES } from '../../core/roles.js';
import type {
  ContentBlock,
  FakeUsage,
  RecordedRequest,
  Responder,
  ScriptedResponse,
} from '../anthropic/script.js';

/** A tool call in a transcript: the player gives it its id. */
export interface ScriptedCall {
  name: string;
  input: object;
}

/** One reply of the model. */
export interface ScriptedTurn {
  /** Text before the calls (what the model says it is doing); optional. */
  say?: string;
  calls: ScriptedCall[];
  /**
   * What the tool results this reply answers must contain, in order of the previous turn's calls
   * (`undefined` for no requirement). Every result must also be free of errors unless `errors` is set.
   */
  expect?: (string | undefined)[];
  /** The previous turn's calls may have failed (a test run that fails is not an error; a refused call is). */
  errors?: boolean;
  /** Usage to report instead of the fake's estimate from the request (bytes / 4, prompt cache simulated). */
  usage?: Partial<FakeUsage>;
}

export interface Transcript {
  /** Names the run in messages, e.g. `developer: slugify`. */
  id: string;
  role: AgentRole;
  /** Text the run's first user message (task and data) must all contain. */
  match: string[];
  /** Text it must not contain (e.g. to tell a first run from a revision of the same story). */
  exclude?: string[];
  turns: ScriptedTurn[];
}

/** What the player did, for the demo's report and the tests. */
export interface PlayerLog {
  /** Runs started, in order: the transcript each one played. */
  started: string[];
  /** Why the player stopped a conversation (the model side could not go on as written). */
  divergences: string[];
  /** Transcripts never started. */
  unplayed(): string[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The blocks of a message's content (a string is one text block). */
function blocks(content: unknown): Json[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter(isObject) : [];
}

/** The text of a tool_result block (a string, or text blocks). */
function resultText(block: Json): string {
  return blocks(block.content)
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .join('\n');
}

const ROLE_HEADING = /^# Role: ([a-z-]+)/;

/** The role a request is for, from the first system block (the role's prompt). */
export function roleOfRequest(body: Json): AgentRole | undefined {
  const first = blocks(body.system)[0];
  const heading = typeof first?.text === 'string' ? ROLE_HEADING.exec(first.text) : null;
  const role = heading?.[1];
  return (AGENT_ROLES as readonly string[]).includes(role ?? '') ? (role as AgentRole) : undefined;
}

/** A 500 the SDK does not retry: the agent run fails at once with this message. */
function stop(message: string): ScriptedResponse {
  return {
    kind: 'error',
    status: 500,
    type: 'api_error',
    message: `transcript player: ${message}`,
    headers: { 'x-should-retry': 'false' },
  };
}

const TOOL_ID = /^toolu_run(\d+)_t(\d+)_(\d+)$/;

/**
 * A responder for the Anthropic fake that plays `transcripts`. Each transcript plays once: a second run
 * that matches the same words takes the next matching transcript (e.g. a story that fails, then its retry).
 */
export function transcriptPlayer(transcripts: readonly Transcript[]): {
  responder: Responder;
  log: PlayerLog;
} {
  const used = new Set<number>();
  /** Run number → transcript index. */
  const runs = new Map<number, number>();
  const started: string[] = [];
  const divergences: string[] = [];

  const diverged = (message: string): ScriptedResponse => {
    divergences.push(message);
    return stop(message);
  };

  const reply = (run: number, transcript: Transcript, turnIndex: number): ScriptedResponse => {
    const turn = transcript.turns[turnIndex];
    if (turn === undefined) {
      return diverged(
        `${transcript.id}: the run asked for turn ${turnIndex + 1}, the transcript has ${transcript.turns.length}`,
      );
    }
    const content: ContentBlock[] = [
      ...(turn.say === undefined ? [] : [{ type: 'text' as const, text: turn.say }]),
      ...turn.calls.map((call, index): ContentBlock => ({
        type: 'tool_use',
        id: `toolu_run${run}_t${turnIndex}_${index}`,
        name: call.name,
        input: call.input,
      })),
    ];
    return {
      kind: 'message',
      content,
      stopReason: turn.calls.length > 0 ? 'tool_use' : 'end_turn',
      ...(turn.usage === undefined ? {} : { usage: turn.usage }),
    };
  };

  const start = (role: AgentRole, first: string): ScriptedResponse => {
    const index = transcripts.findIndex(
      (transcript, at) =>
        !used.has(at) &&
        transcript.role === role &&
        transcript.match.every((word) => first.includes(word)) &&
        !(transcript.exclude ?? []).some((word) => first.includes(word)),
    );
    const transcript = transcripts[index];
    if (transcript === undefined) {
      const excerpt = first.replace(/\s+/g, ' ').slice(0, 160);
      return diverged(`no transcript left for a ${role} run starting "${excerpt}"`);
    }
    used.add(index);
    const run = started.length + 1;
    started.push(transcript.id);
    runs.set(run, index);
    return reply(run, transcript, 0);
  };

  const responder = (request: RecordedRequest): ScriptedResponse => {
    if (!isObject(request.body)) return diverged('the request has no JSON body');
    const role = roleOfRequest(request.body);
    if (role === undefined) return diverged('the request has no role prompt the transcripts know');
    const messages = Array.isArray(request.body.messages) ? request.body.messages.filter(isObject) : [];
    const assistant = messages.filter((message) => message.role === 'assistant');
    if (assistant.length === 0) {
      const first = blocks(messages[0]?.content)
        .map((block) => (typeof block.text === 'string' ? block.text : ''))
        .join('\n');
      return start(role, first);
    }
    const lastAssistant = assistant.at(-1) as Json;
    const calls = blocks(lastAssistant.content).filter((block) => block.type === 'tool_use');
    const ids = calls.map((call) => TOOL_ID.exec(String(call.id)));
    const owner = ids[0];
    if (owner === null || owner === undefined) {
      return diverged(`a ${role} conversation whose last reply did not come from a transcript`);
    }
    const run = Number(owner[1]);
    const index = runs.get(run);
    const transcript = index === undefined ? undefined : transcripts[index];
    if (transcript === undefined) return diverged(`a ${role} conversation of unknown run ${run}`);
    const turnIndex = Number(owner[2]) + 1;
    if (transcript.role !== role) {
      return diverged(`${transcript.id}: a ${role} request continued a ${transcript.role} run`);
    }
    const turn = transcript.turns[turnIndex];
    const last = messages.at(-1);
    const results = last?.role === 'user' ? blocks(last.content).filter((b) => b.type === 'tool_result') : [];
    if (turn !== undefined) {
      for (const [position, call] of calls.entries()) {
        const result = results.find((candidate) => candidate.tool_use_id === call.id);
        const name = String(call.name);
        if (result === undefined) return diverged(`${transcript.id}: no result for the ${name} call`);
        const text = resultText(result);
        if (result.is_error === true && turn.errors !== true) {
          return diverged(
            `${transcript.id}: ${name} failed where the transcript expects it to work: ${text}`,
          );
        }
        const wanted = turn.expect?.[position];
        if (wanted !== undefined && !text.includes(wanted)) {
          const excerpt = text.replace(/\s+/g, ' ').slice(0, 200);
          return diverged(
            `${transcript.id}: ${name} answered "${excerpt}", the transcript expects "${wanted}"`,
          );
        }
      }
    }
    return reply(run, transcript, turnIndex);
  };

  return {
    responder,
    log: {
      started,
      divergences,
      unplayed: () => transcripts.filter((_, index) => !used.has(index)).map((t) => t.id),
    },
  };
}
