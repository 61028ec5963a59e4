import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  authorizeCommand,
  isBot,
  LISTED_ONLY_COMMANDS,
  MAX_COMMAND_TEXT_LENGTH,
  parseCommand,
  permissionFromCollaborator,
} from '../../core/commands.js';
import type { Actor, AuthorizationContext, ParseResult } from '../../core/commands.js';
import { defaultPolicy } from '../../core/policy.js';
import type { Policy } from '../../core/policy.js';
import { COMMAND_NAMES, PERMISSION_LEVELS } from '../../core/roles.js';
import type { CommandName, PermissionLevel } from '../../core/roles.js';

const none: ParseResult = { kind: 'none' };
const command = (value: Extract<ParseResult, { kind: 'command' }>['command']): ParseResult => ({
  kind: 'command',
  command: value,
});

/** Invisible, zero-width, bidi, control and tag characters that must stop a first line being a command. */
const INVISIBLES = [
  '\u0000',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00ad',
  '\u034f',
  '\u061c',
  '\u115f',
  '\u180e',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u2028',
  '\u2029',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2060',
  '\u2061',
  '\u2062',
  '\u2063',
  '\u2064',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u2800',
  '\u3164',
  '\ufe0f',
  '\ufeff',
  '\uffa0',
  '\ud800',
  '\udc00',
  '\u{e0000}',
  '\u{e0001}',
  '\u{e0041}',
  '\u{e007f}',
  '\u{e0100}',
];

describe('parseCommand: the table', () => {
  const cases: [string, unknown, ParseResult][] = [
    // Recognised commands.
    ['bare /approve', '/approve', command({ name: 'approve' })],
    ['bare /cancel', '/cancel', command({ name: 'cancel' })],
    ['bare /pause', '/pause', command({ name: 'pause' })],
    ['bare /resume', '/resume', command({ name: 'resume' })],
    ['bare /status', '/status', command({ name: 'status' })],
    ['trailing spaces and tabs', '/approve \t ', command({ name: 'approve' })],
    [
      'a note on later lines of a no-argument command',
      '/approve\nLooks good, ship it.',
      command({ name: 'approve' }),
    ],
    ['CRLF line endings', '/approve\r\nthanks', command({ name: 'approve' })],
    ['a lone CR ends the first line', '/pause\rback soon', command({ name: 'pause' })],
    [
      'invisible characters on later lines do not matter',
      '/status\n\u200b\u202e',
      command({ name: 'status' }),
    ],
    ['/retry without a story', '/retry', command({ name: 'retry' })],
    ['/retry with a story id', '/retry story-2', command({ name: 'retry', story: 'story-2' })],
    ['/retry story id with underscore, digits first', '/retry 3_b', command({ name: 'retry', story: '3_b' })],
    [
      '/retry story id of 32 characters',
      `/retry ${'a'.repeat(32)}`,
      command({ name: 'retry', story: 'a'.repeat(32) }),
    ],
    [
      '/retry ignores later lines',
      '/retry s1\nthe runner was flaky',
      command({ name: 'retry', story: 's1' }),
    ],
    [
      '/clarify with text',
      '/clarify Use Postgres 16.',
      command({ name: 'clarify', text: 'Use Postgres 16.' }),
    ],
    [
      '/clarify text continues on later lines',
      '/clarify Use Postgres.\r\n\r\nAnd keep the API stable.  ',
      command({ name: 'clarify', text: 'Use Postgres.\n\nAnd keep the API stable.' }),
    ],
    [
      '/clarify with the text only on later lines',
      '/clarify\n  - one\n  - two\n',
      command({ name: 'clarify', text: '- one\n  - two' }),
    ],
    ['/clarify after a tab', '/clarify\tyes', command({ name: 'clarify', text: 'yes' })],
    [
      '/reject with a reason',
      '/reject The plan skips auth.',
      command({ name: 'reject', reason: 'The plan skips auth.' }),
    ],
    [
      '/reject text at the length cap',
      `/reject ${'x'.repeat(MAX_COMMAND_TEXT_LENGTH)}`,
      command({ name: 'reject', reason: 'x'.repeat(MAX_COMMAND_TEXT_LENGTH) }),
    ],
    [
      '/reject cap counts code points, not UTF-16 units',
      `/reject ${'😀'.repeat(MAX_COMMAND_TEXT_LENGTH)}`,
      command({ name: 'reject', reason: '😀'.repeat(MAX_COMMAND_TEXT_LENGTH) }),
    ],

    // Not commands at all.
    ['non-string: undefined', undefined, none],
    ['non-string: null', null, none],
    ['non-string: number', 42, none],
    ['non-string: object', { body: '/approve' }, none],
    ['non-string: String object', new String('/approve'), none],
    ['empty', '', none],
    ['a slash alone', '/', none],
    ['an unknown command', '/deploy', none],
    ['/approved', '/approved', none],
    ['/approve with punctuation attached', '/approve!', none],
    ['/approve,', '/approve, thanks', none],
    ['/Approve', '/Approve', none],
    ['/APPROVE', '/APPROVE', none],
    ['quoted reply', '> /approve', none],
    ['quoted reply with the command on a later line', '> earlier comment\n/approve', none],
    ['fenced code block', '```\n/approve\n```', none],
    ['fenced code block on the same line', '```/approve```', none],
    ['inline code', '`/approve`', none],
    ['indented with spaces', '    /approve', none],
    ['indented by one space', ' /approve', none],
    ['indented with a tab', '\t/approve', none],
    ['prose before the command', 'please /approve', none],
    ["please don't /approve", "please don't /approve", none],
    ['leading blank line', '\n/approve', none],
    ['command on the second line', 'LGTM\n/approve', none],
    ['HTML comment before', '<!-- x -->/approve', none],
    ['double slash', '//approve', none],
    ['backslash', '\\approve', none],
    ['division slash U+2215', '\u2215approve', none],
    ['fraction slash U+2044', '\u2044approve', none],
    ['full-width solidus U+FF0F', '\uff0fapprove', none],
    ['big solidus U+29F8', '\u29f8approve', none],
    ['mathematical rising diagonal U+27CB', '\u27cbapprove', none],
    ['Cyrillic a in approve', '/\u0430pprove', none],
    ['combining mark after the name', '/approve\u0301', none],
    ['no-break space after the name', '/approve\u00a0', none],
    ['ideographic space after the name', '/reject\u3000no', none],
    ['zero-width space after the slash', '/\u200bapprove', none],
    ['zero-width space at the end of the line', '/approve\u200b', none],
    ['zero-width joiner inside the name', '/appr\u200dove', none],
    ['BOM at the start', '\ufeff/approve', none],
    ['soft hyphen in the name', '/ap\u00adprove', none],
    ['right-to-left override in the text', '/clarify \u202eevil', none],
    ['left-to-right isolate in the text', '/reject \u2066x\u2069', none],
    ['word joiner', '/approve\u2060', none],
    ['Unicode tag characters in the text', '/clarify ok \u{e0001}\u{e0069}\u{e0067}', none],
    ['unassigned tag U+E0000', '/approve \u{e0000}', none],
    ['a control character', '/approve\u0007', none],
    ['NEL (U+0085) is not a line break here', '/approve\u0085note', none],
    ['line separator U+2028', '/approve\u2028note', none],
    ['lone surrogate', '/clarify \ud83d', none],

    // Named commands with bad arguments.
    ['/approve with an argument', '/approve now', invalidOf('approve')],
    ['/cancel with an argument', '/cancel please', invalidOf('cancel')],
    ['/pause with an argument', '/pause 10m', invalidOf('pause')],
    ['/resume with an argument', '/resume all', invalidOf('resume')],
    ['/status with an argument', '/status verbose', invalidOf('status')],
    ['/clarify without text', '/clarify', invalidOf('clarify')],
    ['/clarify with only whitespace', '/clarify   \n \t\n', invalidOf('clarify')],
    ['/reject without a reason', '/reject', invalidOf('reject')],
    ['/reject too long', `/reject ${'x'.repeat(MAX_COMMAND_TEXT_LENGTH + 1)}`, invalidOf('reject')],
    [
      '/clarify too long across lines',
      `/clarify a\n${'y'.repeat(MAX_COMMAND_TEXT_LENGTH)}`,
      invalidOf('clarify'),
    ],
    ['/retry with two stories', '/retry s1 s2', invalidOf('retry')],
    ['/retry with a bad id', '/retry ../etc', invalidOf('retry')],
    ['/retry with an id starting with a dash', '/retry -s1', invalidOf('retry')],
    ['/retry with an id of 33 characters', `/retry ${'a'.repeat(33)}`, invalidOf('retry')],
    ['/retry with a mention', '/retry @someone', invalidOf('retry')],
  ];

  it.each(cases)('%s', (_description, body, expected) => {
    const result = parseCommand(body);
    if (expected.kind === 'invalid') {
      expect(result).toEqual({ kind: 'invalid', name: expected.name, reason: expect.any(String) });
    } else {
      expect(result).toEqual(expected);
    }
  });
});

function invalidOf(name: CommandName): ParseResult {
  return { kind: 'invalid', name, reason: '(checked by name)' };
}

describe('parseCommand: invalid reasons', () => {
  const reasonOf = (body: string): string => {
    const result = parseCommand(body);
    if (result.kind !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(result)}`);
    return result.reason;
  };

  it('tell the user how to write the command', () => {
    expect(reasonOf('/approve now')).toBe('/approve takes no arguments; put any note on the next line.');
    expect(reasonOf('/reject')).toBe('/reject needs a reason: `/reject <reason>`.');
    expect(reasonOf('/clarify')).toBe('/clarify needs text: `/clarify <text>`.');
    expect(reasonOf('/retry a b')).toBe('/retry takes at most one story id: `/retry [story]`.');
    expect(reasonOf('/retry a!')).toMatch(/^\/retry needs a story id .*`\/retry \[story\]`\.$/);
    expect(reasonOf(`/clarify ${'z'.repeat(MAX_COMMAND_TEXT_LENGTH + 1)}`)).toBe(
      '/clarify text is too long; keep it to 10,000 characters.',
    );
  });

  it('never quote the comment, so a reply cannot be made to carry its text', () => {
    for (const body of ['/approve @everyone click here', '/retry <img src=x> y', '/retry @org/team']) {
      const reason = reasonOf(body);
      expect(reason).not.toContain('@');
      expect(reason).not.toContain('<img');
    }
  });
});

describe('parseCommand: properties', () => {
  // Strings from every plane, including lone surrogates (the 'binary' unit leaves those out).
  const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
  const anyText = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({ unit: anyCodeUnit }),
    fc.string({ unit: 'grapheme' }),
  );
  // Strings assembled from the pieces that matter, so commands and near-commands come up often.
  const fragments = fc.string({
    unit: fc.constantFrom(
      '/',
      ...COMMAND_NAMES,
      ' ',
      '\t',
      '\n',
      '\r',
      '\r\n',
      '>',
      '`',
      'x',
      's-1',
      '\u00a0',
      '\u2215',
      '\uff0f',
      ...INVISIBLES,
    ),
    maxLength: 12,
  });
  // Printable single code points: visible text for a first line, never a line break or an invisible.
  const lineText = fc.string({ unit: 'grapheme-composite', maxLength: 40 });

  it('never throws, for any string', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fragments), (body) => {
        const result = parseCommand(body);
        expect(['none', 'command', 'invalid']).toContain(result.kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws, for any value, and only strings can be commands', () => {
    fc.assert(
      fc.property(fc.anything({ withBoxedValues: true, withMap: true, withSet: true }), (value) => {
        const result = parseCommand(value);
        if (typeof value !== 'string') expect(result).toEqual({ kind: 'none' });
      }),
    );
  });

  it('is a command (or an invalid one) only when the body starts with an ASCII slash', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          fragments,
          fc.tuple(anyText, fragments).map(([a, b]) => a + b),
        ),
        (body) => {
          if (parseCommand(body).kind !== 'none') expect(body.startsWith('/')).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never reads a first line holding an invisible character as a command', () => {
    const firstLine = fc
      .tuple(fc.constantFrom(...COMMAND_NAMES), fc.constantFrom('', ' ', '\t'), lineText)
      .map(([name, separator, rest]) => `/${name}${separator}${rest}`);
    fc.assert(
      fc.property(
        firstLine,
        fc.constantFrom(...INVISIBLES),
        fc.nat(),
        fc.string({ unit: 'binary' }),
        (line, invisible, at, later) => {
          const index = at % (line.length + 1);
          const body = `${line.slice(0, index)}${invisible}${line.slice(index)}\n${later}`;
          expect(parseCommand(body)).toEqual({ kind: 'none' });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('recognises every no-argument command, whatever follows on later lines', () => {
    const names = COMMAND_NAMES.filter((name) =>
      ['approve', 'cancel', 'pause', 'resume', 'status'].includes(name),
    );
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.string({ unit: 'binary' }), (name, later) => {
        expect(parseCommand(`/${name}\n${later}`)).toEqual({ kind: 'command', command: { name } });
      }),
    );
  });

  it('gives /clarify the trimmed rest of the comment', () => {
    fc.assert(
      fc.property(lineText, fc.string({ unit: 'grapheme', maxLength: 200 }), (line, later) => {
        const body = `/clarify ${line}\n${later}`;
        const expected = `${line}\n${later}`.replace(/\r\n?/g, '\n').trim();
        const result = parseCommand(body);
        if (expected === '') {
          expect(result).toMatchObject({ kind: 'invalid', name: 'clarify' });
        } else {
          expect(result).toEqual({ kind: 'command', command: { name: 'clarify', text: expected } });
        }
      }),
    );
  });
});

// --- Authorization ---------------------------------------------------------------------------------

const APP = 'orchestrator[bot]';
const context: AuthorizationContext = { appLogin: APP };

function human(permission: PermissionLevel, login = 'alice', teams: string[] = []): Actor {
  return { login, type: 'User', permission, teams };
}

function policyWith(authorization: Partial<Policy['authorization']>): Policy {
  const policy = defaultPolicy();
  policy.authorization = { ...policy.authorization, ...authorization };
  return policy;
}

describe('authorizeCommand: permission matrix under the default policy', () => {
  const policy = defaultPolicy();
  const rank = (level: PermissionLevel) => PERMISSION_LEVELS.indexOf(level);
  const matrix = COMMAND_NAMES.flatMap((name) =>
    PERMISSION_LEVELS.map(
      (level) => [name, level, rank(level) >= rank(policy.authorization.commands[name])] as const,
    ),
  );

  it.each(matrix)('/%s with %s permission → allowed: %s', (name, level, allowed) => {
    const result = authorizeCommand(name, human(level), policy, context);
    if (allowed) expect(result).toEqual({ allowed: true });
    else expect(result).toEqual({ allowed: false, reason: expect.any(String), reply: true });
  });

  it('spells out the design defaults: write for approve/clarify, maintain for pause, read for status', () => {
    const allowed = (name: CommandName, level: PermissionLevel) =>
      authorizeCommand(name, human(level), policy, context).allowed;
    expect(allowed('approve', 'write')).toBe(true);
    expect(allowed('approve', 'triage')).toBe(false);
    expect(allowed('clarify', 'write')).toBe(true);
    expect(allowed('clarify', 'read')).toBe(false);
    expect(allowed('pause', 'write')).toBe(false);
    expect(allowed('pause', 'maintain')).toBe(true);
    expect(allowed('resume', 'admin')).toBe(true);
    expect(allowed('status', 'read')).toBe(true);
    expect(allowed('status', 'none')).toBe(false);
  });

  it('says what is missing', () => {
    expect(authorizeCommand('approve', human('read'), policy, context)).toEqual({
      allowed: false,
      reason: '@alice has read permission; /approve needs write or higher.',
      reply: true,
    });
    expect(authorizeCommand('approve', human('none'), policy, context)).toMatchObject({
      reason: '@alice has no permission on this repository; /approve needs write or higher.',
    });
    const adminOnly = policyWith({ commands: { ...policy.authorization.commands, pause: 'admin' } });
    expect(authorizeCommand('pause', human('maintain'), adminOnly, context)).toMatchObject({
      reason: '@alice has maintain permission; /pause needs admin.',
    });
  });

  it('follows the levels the policy sets', () => {
    const strict = policyWith({
      commands: { ...policy.authorization.commands, approve: 'admin', status: 'none' },
    });
    expect(authorizeCommand('approve', human('maintain'), strict, context).allowed).toBe(false);
    expect(authorizeCommand('approve', human('admin'), strict, context).allowed).toBe(true);
    expect(authorizeCommand('status', human('none'), strict, context).allowed).toBe(true);
  });
});

describe('authorizeCommand: collaborator-permission responses end to end', () => {
  // What GitHub's endpoint returns for each kind of collaborator, and whether /approve passes (write+).
  const responses: [string, { permission?: string; role_name?: string }, boolean][] = [
    ['admin', { permission: 'admin', role_name: 'admin' }, true],
    ['maintain', { permission: 'write', role_name: 'maintain' }, true],
    ['write', { permission: 'write', role_name: 'write' }, true],
    ['triage', { permission: 'read', role_name: 'triage' }, false],
    ['read', { permission: 'read', role_name: 'read' }, false],
    ['none', { permission: 'none', role_name: 'none' }, false],
    ['custom role based on write', { permission: 'write', role_name: 'release-manager' }, true],
    ['custom role based on read', { permission: 'read', role_name: 'auditor' }, false],
  ];

  it.each(responses)('%s', (_kind, response, allowed) => {
    const actor = human(permissionFromCollaborator(response));
    expect(authorizeCommand('approve', actor, defaultPolicy(), context).allowed).toBe(allowed);
    expect(authorizeCommand('clarify', actor, defaultPolicy(), context).allowed).toBe(allowed);
  });
});

describe('authorizeCommand: the app itself and bots', () => {
  const policy = policyWith({ allowed_bots: [{ login: 'renovate[bot]', commands: ['retry', 'status'] }] });

  it('refuses the app itself without a reply, for every command, even as an admin', () => {
    for (const name of COMMAND_NAMES) {
      const result = authorizeCommand(
        name,
        { login: APP, type: 'Bot', permission: 'admin', teams: [] },
        policy,
        context,
      );
      expect(result).toEqual({ allowed: false, reason: expect.any(String), reply: false });
    }
    const shouted = { login: 'ORCHESTRATOR[BOT]', type: 'Bot', permission: 'admin' as const, teams: [] };
    expect(authorizeCommand('status', shouted, policy, context).allowed).toBe(false);
  });

  it('refuses bots without a reply: by type, or by a [bot] login whatever the type says', () => {
    const byType = { login: 'some-app', type: 'Bot', permission: 'admin' as const, teams: [] };
    const byLogin = { login: 'dependabot[bot]', type: 'User', permission: 'admin' as const, teams: [] };
    for (const actor of [byType, byLogin]) {
      for (const name of COMMAND_NAMES) {
        expect(authorizeCommand(name, actor, policy, context)).toEqual({
          allowed: false,
          reason: expect.any(String),
          reply: false,
        });
      }
    }
  });

  it('lets an allowed bot run exactly its listed commands', () => {
    const renovate = { login: 'Renovate[bot]', type: 'Bot', permission: 'none' as const, teams: [] };
    expect(authorizeCommand('retry', renovate, policy, context)).toEqual({ allowed: true });
    expect(authorizeCommand('status', renovate, policy, context)).toEqual({ allowed: true });
    expect(authorizeCommand('cancel', renovate, policy, context)).toMatchObject({
      allowed: false,
      reply: false,
    });
    expect(authorizeCommand('pause', renovate, policy, context)).toMatchObject({
      allowed: false,
      reply: false,
    });
  });

  it('never lets a bot approve, even if a policy object lists it (the schema forbids that too)', () => {
    const unchecked = policyWith({ allowed_bots: [{ login: 'renovate[bot]', commands: ['approve'] }] });
    const renovate = { login: 'renovate[bot]', type: 'Bot', permission: 'admin' as const, teams: [] };
    expect(authorizeCommand('approve', renovate, unchecked, context)).toEqual({
      allowed: false,
      reason: '@renovate[bot] is a bot; /approve must come from a human.',
      reply: false,
    });
  });

  it('isBot reads the type or the login suffix', () => {
    expect(isBot({ login: 'x', type: 'Bot' })).toBe(true);
    expect(isBot({ login: 'x[bot]', type: 'User' })).toBe(true);
    expect(isBot({ login: 'x[BOT]', type: 'User' })).toBe(true);
    expect(isBot({ login: 'robot', type: 'User' })).toBe(false);
  });
});

describe('authorizeCommand: users and teams lists', () => {
  const listed = policyWith({ users: ['Alice'], teams: ['acme/release'] });

  it('restricts approve, reject, clarify, retry and cancel to listed users and team members', () => {
    expect([...LISTED_ONLY_COMMANDS].sort()).toEqual(['approve', 'cancel', 'clarify', 'reject', 'retry']);
    for (const name of LISTED_ONLY_COMMANDS) {
      expect(authorizeCommand(name, human('admin', 'alice'), listed, context)).toEqual({ allowed: true });
      expect(authorizeCommand(name, human('write', 'bob', ['ACME/Release']), listed, context)).toEqual({
        allowed: true,
      });
      expect(authorizeCommand(name, human('admin', 'carol', ['acme/other']), listed, context)).toEqual({
        allowed: false,
        reason: `@carol is not among the users or teams the policy allows to run /${name}.`,
        reply: true,
      });
    }
  });

  it('still needs the permission level when listed', () => {
    expect(authorizeCommand('approve', human('read', 'alice'), listed, context)).toMatchObject({
      allowed: false,
      reason: '@alice has read permission; /approve needs write or higher.',
    });
  });

  it('leaves pause, resume and status to the permission level', () => {
    expect(authorizeCommand('pause', human('maintain', 'carol'), listed, context)).toEqual({ allowed: true });
    expect(authorizeCommand('resume', human('admin', 'carol'), listed, context)).toEqual({ allowed: true });
    expect(authorizeCommand('status', human('read', 'carol'), listed, context)).toEqual({ allowed: true });
  });

  it('applies a users-only or teams-only list on its own', () => {
    const usersOnly = policyWith({ users: ['alice'] });
    const teamsOnly = policyWith({ teams: ['acme/release'] });
    expect(authorizeCommand('approve', human('write', 'bob'), usersOnly, context).allowed).toBe(false);
    expect(authorizeCommand('approve', human('write', 'alice'), teamsOnly, context).allowed).toBe(false);
    expect(
      authorizeCommand('approve', human('write', 'alice', ['acme/release']), teamsOnly, context).allowed,
    ).toBe(true);
  });
});

describe('authorizeCommand: the requester', () => {
  const withRequester: AuthorizationContext = { appLogin: APP, requester: 'Alice' };

  it('may approve when the policy allows it (the default)', () => {
    expect(authorizeCommand('approve', human('write', 'alice'), defaultPolicy(), withRequester)).toEqual({
      allowed: true,
    });
  });

  it('may not approve when allow_requester_approval is false, but others may, and other commands still work', () => {
    const policy = policyWith({ allow_requester_approval: false });
    expect(authorizeCommand('approve', human('admin', 'alice'), policy, withRequester)).toEqual({
      allowed: false,
      reason: '@alice requested this work, and the policy does not let the requester approve it.',
      reply: true,
    });
    expect(authorizeCommand('approve', human('write', 'bob'), policy, withRequester)).toEqual({
      allowed: true,
    });
    expect(authorizeCommand('reject', human('write', 'alice'), policy, withRequester)).toEqual({
      allowed: true,
    });
    expect(authorizeCommand('approve', human('write', 'alice'), policy, context)).toEqual({ allowed: true });
  });
});

describe('permissionFromCollaborator', () => {
  const cases: [string, { permission?: string; role_name?: string }, PermissionLevel][] = [
    ['admin', { permission: 'admin', role_name: 'admin' }, 'admin'],
    [
      'maintain is exact in role_name (permission folds it into write)',
      { permission: 'write', role_name: 'maintain' },
      'maintain',
    ],
    ['write', { permission: 'write', role_name: 'write' }, 'write'],
    [
      'triage is exact in role_name (permission folds it into read)',
      { permission: 'read', role_name: 'triage' },
      'triage',
    ],
    ['read', { permission: 'read', role_name: 'read' }, 'read'],
    ['none', { permission: 'none' }, 'none'],
    ['role_name wins over permission', { permission: 'admin', role_name: 'read' }, 'read'],
    [
      'custom role falls back to permission write',
      { permission: 'write', role_name: 'release-manager' },
      'write',
    ],
    ['custom role falls back to permission read', { permission: 'read', role_name: 'auditor' }, 'read'],
    ['custom role with an unknown permission', { permission: 'superuser', role_name: 'auditor' }, 'none'],
    [
      'role_name is case-sensitive (a custom role named Admin)',
      { permission: 'read', role_name: 'Admin' },
      'read',
    ],
    ['permission is case-sensitive', { permission: 'ADMIN' }, 'none'],
    ['legacy permission never says maintain', { permission: 'maintain' }, 'none'],
    ['legacy permission never says triage', { permission: 'triage' }, 'none'],
    ['only permission', { permission: 'write' }, 'write'],
    ['only role_name', { role_name: 'maintain' }, 'maintain'],
    ['empty response', {}, 'none'],
  ];

  it.each(cases)('%s', (_description, response, expected) => {
    expect(permissionFromCollaborator(response)).toBe(expected);
  });

  it('treats malformed responses as none', () => {
    const malformed = [null, undefined, 'admin', { permission: 7 }, { role_name: ['admin'] }] as unknown as {
      permission?: string;
      role_name?: string;
    }[];
    for (const response of malformed) expect(permissionFromCollaborator(response)).toBe('none');
  });

  it('ignores author_association: only the endpoint response counts', () => {
    // A payload saying OWNER alongside an API answer of read is read; CONTRIBUTOR alongside write is write.
    const owner = { permission: 'read', role_name: 'read', author_association: 'OWNER' };
    const contributor = { permission: 'write', role_name: 'write', author_association: 'CONTRIBUTOR' };
    expect(
      authorizeCommand('approve', human(permissionFromCollaborator(owner)), defaultPolicy(), context).allowed,
    ).toBe(false);
    expect(
      authorizeCommand('approve', human(permissionFromCollaborator(contributor)), defaultPolicy(), context)
        .allowed,
    ).toBe(true);
  });
});
