/**
 * Slash commands: reading one from a comment, and deciding whether its author may run it (design §3, §7).
 *
 * Parsing is deliberately narrow. Only the first line of a comment can hold a command, it must start at
 * column 0 with an ASCII `/` and an exact lowercase command name, and a first line holding any invisible,
 * zero-width, bidirectional, control or Unicode tag character is never a command. Nothing is normalised
 * (NFKC would turn the full-width `／` into `/`): a comment that merely looks like a command is not one.
 * Quoted replies (`> /approve`), fenced or indented code and prose (`please /approve`) fail the column-0
 * rule by construction.
 *
 * Authorization uses the commenter's repository permission as reported by GitHub's collaborator-permission
 * endpoint (see {@link permissionFromCollaborator}). The webhook payload's `author_association` is never an
 * authorization source: it describes the author's relationship to the repository (OWNER, MEMBER,
 * CONTRIBUTOR, ...), not their permission, and it says nothing about custom roles or team grants.
 *
 * Which events may carry a command (a fresh `issue_comment.created`, not an edit or a delete) is decided
 * by the app's event handling; this module sees only the text and the actor.
 */
import type { Policy } from './policy.js';
import { COMMAND_NAMES, PERMISSION_LEVELS } from './roles.js';
import type { CommandName, PermissionLevel } from './roles.js';

export type Command =
  | { name: 'approve' }
  | { name: 'cancel' }
  | { name: 'pause' }
  | { name: 'resume' }
  | { name: 'status' }
  | { name: 'clarify'; text: string }
  | { name: 'reject'; reason: string }
  | { name: 'retry'; story?: string };

/**
 * `none`: the comment holds no command. `command`: a well-formed command. `invalid`: the comment names a
 * command but its arguments are wrong; `reason` is one sentence the app can reply with.
 */
export type ParseResult =
  | { kind: 'none' }
  | { kind: 'command'; command: Command }
  | { kind: 'invalid'; name: CommandName; reason: string };

/** The longest `/clarify` text or `/reject` reason, in characters (code points). */
export const MAX_COMMAND_TEXT_LENGTH = 10_000;

/** A story id as `/retry` accepts it: a letter or digit, then letters, digits, `_` or `-`, 32 at most. */
export const STORY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/**
 * Characters that render as nothing, or reorder what is shown, so a first line holding one may not read as
 * what it is: controls except tab (Cc), format characters (Cf: zero-width spaces and joiners, bidi marks,
 * embeddings, overrides and isolates, word joiner, invisible operators, BOM, soft hyphen, tags), lone
 * surrogates (Cs), line and paragraph separators (Zl, Zp), every default-ignorable code point (which adds
 * the whole tag block U+E0000–U+E0FFF, assigned or not, variation selectors, the combining grapheme joiner,
 * Hangul fillers, Khmer inherent vowels, Mongolian variation selectors) and the blank Braille pattern.
 */
const INVISIBLE = /(?!\t)[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]/u;

type NoArgumentCommandName = 'approve' | 'cancel' | 'pause' | 'resume' | 'status';
const NO_ARGUMENT_COMMANDS: readonly CommandName[] = ['approve', 'cancel', 'pause', 'resume', 'status'];

function takesNoArguments(name: CommandName): name is NoArgumentCommandName {
  return NO_ARGUMENT_COMMANDS.includes(name);
}

const NONE: ParseResult = { kind: 'none' };

function isCommandName(token: string): token is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(token);
}

function invalid(name: CommandName, reason: string): ParseResult {
  return { kind: 'invalid', name, reason };
}

/** Whether `text` has more than `limit` code points; counts no further than `limit + 1`. */
function exceedsLength(text: string, limit: number): boolean {
  // A string of at most `limit` UTF-16 units has at most `limit` code points: no need to count.
  if (text.length <= limit) return false;
  let count = 0;
  for (const _ of text) {
    count += 1;
    if (count > limit) return true;
  }
  return false;
}

/**
 * Reads the command in a comment body.
 *
 * Contract:
 * - Anything but a string, and any body whose first line (after turning `\r\n` and lone `\r` into `\n`)
 *   does not start with `/` + an exact command name followed by a space, a tab or the end of the line,
 *   is `none`. So is any body whose first line holds an invisible character (see {@link INVISIBLE}).
 *   Other whitespace (e.g. a no-break space) right after the name makes the word a different one: `none`.
 * - `/approve`, `/cancel`, `/pause`, `/resume`, `/status`: anything else on the first line is `invalid`;
 *   later lines are ignored, so a human may add a note below the command.
 * - `/retry [story]`: at most one story id on the first line (matching {@link STORY_ID_PATTERN}); later
 *   lines are ignored, as for the commands above.
 * - `/clarify <text>`, `/reject <reason>`: the text is the rest of the first line plus every later line,
 *   trimmed; empty or longer than {@link MAX_COMMAND_TEXT_LENGTH} is `invalid`. Later lines are not
 *   checked for invisible characters here: the text is untrusted and is sanitised before it reaches a model.
 * - Never throws. An `invalid` reason never quotes the comment, so a reply cannot be made to say anything.
 */
export function parseCommand(body: unknown): ParseResult {
  if (typeof body !== 'string' || !body.startsWith('/')) return NONE;
  const text = body.replace(/\r\n?/g, '\n');
  const lineEnd = text.indexOf('\n');
  const firstLine = lineEnd === -1 ? text : text.slice(0, lineEnd);
  if (INVISIBLE.test(firstLine)) return NONE;

  const nameEnd = firstLine.search(/[ \t]/);
  const name = firstLine.slice(1, nameEnd === -1 ? firstLine.length : nameEnd);
  if (!isCommandName(name)) return NONE;
  const afterName = 1 + name.length;
  const restOfLine = firstLine.slice(afterName).trim();

  if (takesNoArguments(name)) {
    if (restOfLine !== '') {
      return invalid(name, `/${name} takes no arguments; put any note on the next line.`);
    }
    return { kind: 'command', command: { name } };
  }
  if (name === 'retry') return parseRetry(restOfLine);

  // clarify and reject: the whole remainder of the comment is the text.
  const argument = text.slice(afterName).trim();
  const usage = name === 'clarify' ? '`/clarify <text>`' : '`/reject <reason>`';
  const what = name === 'clarify' ? 'text' : 'a reason';
  if (argument === '') return invalid(name, `/${name} needs ${what}: ${usage}.`);
  if (exceedsLength(argument, MAX_COMMAND_TEXT_LENGTH)) {
    return invalid(
      name,
      `/${name} text is too long; keep it to ${MAX_COMMAND_TEXT_LENGTH.toLocaleString('en-US')} characters.`,
    );
  }
  return {
    kind: 'command',
    command: name === 'clarify' ? { name, text: argument } : { name: 'reject', reason: argument },
  };
}

function parseRetry(restOfLine: string): ParseResult {
  if (restOfLine === '') return { kind: 'command', command: { name: 'retry' } };
  const tokens = restOfLine.split(/\s+/);
  if (tokens.length > 1) return invalid('retry', '/retry takes at most one story id: `/retry [story]`.');
  const story = tokens[0] ?? '';
  if (!STORY_ID_PATTERN.test(story)) {
    return invalid(
      'retry',
      '/retry needs a story id of letters, digits, `-` and `_` (at most 32 characters): `/retry [story]`.',
    );
  }
  return { kind: 'command', command: { name: 'retry', story } };
}

/** Who wrote the comment, with their permission as GitHub's collaborator-permission endpoint reports it. */
export interface Actor {
  login: string;
  /** The payload's `sender.type`: 'User', 'Bot', ... */
  type: string;
  permission: PermissionLevel;
  /** Teams (`org/team` slugs) the actor belongs to, when known; empty when not looked up. */
  teams: readonly string[];
}

export interface AuthorizationContext {
  /** The app's own bot login as it appears in `sender.login`, e.g. `my-app[bot]`. */
  appLogin: string;
  /** Who labelled the issue, when known. */
  requester?: string;
}

/** `reply`: whether the app should answer the comment with `reason` (never to itself or to other bots). */
export type Authorization = { allowed: true } | { allowed: false; reason: string; reply: boolean };

/** The commands that `authorization.users` and `authorization.teams` restrict, when either is non-empty. */
export const LISTED_ONLY_COMMANDS: readonly CommandName[] = [
  'approve',
  'reject',
  'clarify',
  'retry',
  'cancel',
];

const ALLOWED: Authorization = { allowed: true };

const rank = (level: PermissionLevel): number => PERMISSION_LEVELS.indexOf(level);
const sameLogin = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function refuse(reason: string, reply: boolean): Authorization {
  return { allowed: false, reason, reply };
}

/** Bots: GitHub marks app accounts with `type: Bot` and a `[bot]` suffix; either one is enough. */
export function isBot(actor: Pick<Actor, 'login' | 'type'>): boolean {
  return actor.type.toLowerCase() === 'bot' || actor.login.toLowerCase().endsWith('[bot]');
}

/**
 * Decides whether `actor` may run `/name` under `policy`.
 *
 * Contract, in order:
 * - The app's own comments are never commands (refused, no reply), whatever the policy says.
 * - A bot may run only the commands its `authorization.allowed_bots` entry lists, and never `/approve`
 *   (checked here again although the policy schema already forbids it). That entry is the bot's whole
 *   authorization: bots have no collaborator permission to compare, and `users`/`teams` name humans.
 *   Refusals of bots get no reply, so two bots cannot talk each other into a loop.
 * - A human needs a permission at or above `authorization.commands[name]`
 *   (none < read < triage < write < maintain < admin).
 * - When `authorization.users` or `authorization.teams` is non-empty, the {@link LISTED_ONLY_COMMANDS}
 *   also need the login (case-insensitive) among the users or one of `actor.teams` among the teams.
 * - With `allow_requester_approval: false`, the requester (case-insensitive) cannot `/approve`.
 * Human refusals are replied to with one sentence saying what is missing.
 */
export function authorizeCommand(
  name: CommandName,
  actor: Actor,
  policy: Pick<Policy, 'authorization'>,
  context: AuthorizationContext,
): Authorization {
  const rules = policy.authorization;
  if (sameLogin(actor.login, context.appLogin))
    return refuse('Comments from the app itself are never commands.', false);

  if (isBot(actor)) {
    if (name === 'approve')
      return refuse(`@${actor.login} is a bot; /approve must come from a human.`, false);
    const entry = rules.allowed_bots.find((bot) => sameLogin(bot.login, actor.login));
    if (!entry?.commands.includes(name)) {
      return refuse(
        `@${actor.login} is a bot that authorization.allowed_bots does not allow to run /${name}.`,
        false,
      );
    }
    return ALLOWED;
  }

  const needed = rules.commands[name];
  if (rank(actor.permission) < rank(needed)) {
    const has =
      actor.permission === 'none' ? 'no permission on this repository' : `${actor.permission} permission`;
    const wants = needed === 'admin' ? 'admin' : `${needed} or higher`;
    return refuse(`@${actor.login} has ${has}; /${name} needs ${wants}.`, true);
  }

  const listed = rules.users.length > 0 || rules.teams.length > 0;
  if (listed && LISTED_ONLY_COMMANDS.includes(name)) {
    const inUsers = rules.users.some((user) => sameLogin(user, actor.login));
    const inTeams = actor.teams.some((team) => rules.teams.some((allowed) => sameLogin(allowed, team)));
    if (!inUsers && !inTeams) {
      return refuse(
        `@${actor.login} is not among the users or teams the policy allows to run /${name}.`,
        true,
      );
    }
  }

  if (
    name === 'approve' &&
    !rules.allow_requester_approval &&
    context.requester !== undefined &&
    sameLogin(context.requester, actor.login)
  ) {
    return refuse(
      `@${actor.login} requested this work, and the policy does not let the requester approve it.`,
      true,
    );
  }
  return ALLOWED;
}

/** The fine-grained levels `role_name` may hold; any other value is a custom role. */
const ROLE_LEVELS: ReadonlySet<string> = new Set<PermissionLevel>([
  'admin',
  'maintain',
  'write',
  'triage',
  'read',
]);
/** The legacy `permission` field maps maintain to write and triage to read, so it only has these. */
const LEGACY_LEVELS: ReadonlySet<string> = new Set<PermissionLevel>(['admin', 'write', 'read', 'none']);

/**
 * The permission level in a response of `GET /repos/{owner}/{repo}/collaborators/{username}/permission`.
 *
 * `role_name` wins when it is one of admin, maintain, write, triage, read: it is exact, whereas the legacy
 * `permission` field folds maintain into write and triage into read. A custom role name falls back to
 * `permission` (the custom role's base, at most understated by that folding, never overstated). Anything
 * else, including a missing or malformed response, is `none`: unknown never grants.
 */
export function permissionFromCollaborator(response: {
  permission?: string;
  role_name?: string;
}): PermissionLevel {
  if (typeof response !== 'object' || response === null) return 'none';
  const { role_name: roleName, permission } = response;
  if (typeof roleName === 'string' && ROLE_LEVELS.has(roleName)) return roleName as PermissionLevel;
  if (typeof permission === 'string' && LEGACY_LEVELS.has(permission)) return permission as PermissionLevel;
  return 'none';
}
