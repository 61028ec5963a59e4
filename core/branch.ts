/**
 * Names of what the developer delivers (design §3): the branch `ai/<issue>-<slug>` and the Conventional
 * Commit message `feat(#123): <summary>`. Pure.
 *
 * The branch name is built only from ASCII letters, digits, hyphens, one slash and the issue number, so it
 * is a valid git ref whatever the title holds, and it is inert in a shell even though git calls never go
 * through one. Titles are untrusted: nothing of them survives but `[a-z0-9-]`.
 */

export const BRANCH_PREFIX = 'ai/';

/** The longest slug in a branch name, so `ai/<issue>-<slug>` stays readable in GitHub's UI. */
export const MAX_SLUG_LENGTH = 48;

/** The longest first line of a commit message (Git's and GitHub's customary 72 columns). */
export const MAX_SUBJECT_LINE_LENGTH = 72;

/** The slug used when a title has no ASCII letter or digit at all (e.g. a title in Japanese). */
const FALLBACK_SLUG = 'change';

export const COMMIT_TYPES = ['feat', 'fix', 'test', 'docs', 'refactor', 'chore'] as const;
export type CommitType = (typeof COMMIT_TYPES)[number];

function assertIssueNumber(issue: number): void {
  if (!Number.isSafeInteger(issue) || issue < 1) {
    throw new RangeError(`issue must be a positive integer, got ${String(issue)}`);
  }
}

/**
 * A lowercase ASCII slug of `text`: accents dropped (`é` → `e`), every other run of characters outside
 * `[a-z0-9]` turned into one hyphen, no hyphen at either end, at most `maxLength` characters cut at a word
 * boundary when one is near. A text with nothing left gives `change`.
 */
export function slugify(text: string, maxLength: number = MAX_SLUG_LENGTH): string {
  if (!Number.isSafeInteger(maxLength) || maxLength < FALLBACK_SLUG.length) {
    throw new RangeError(`maxLength must be an integer of at least ${FALLBACK_SLUG.length}`);
  }
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (slug === '') return FALLBACK_SLUG;
  if (slug.length <= maxLength) return slug;
  const cut = slug.slice(0, maxLength);
  const lastHyphen = cut.lastIndexOf('-');
  // Cut at the last whole word unless that throws away more than a third of the room.
  const bounded = lastHyphen >= (maxLength * 2) / 3 ? cut.slice(0, lastHyphen) : cut;
  return bounded.replace(/-+$/, '');
}

/** The branch of an issue's work: `ai/<issue>-<slug of the title>`, e.g. `ai/123-add-pet-insurance`. */
export function branchName(issue: number, title: string): string {
  assertIssueNumber(issue);
  return `${BRANCH_PREFIX}${issue}-${slugify(title)}`;
}

/**
 * Whether `name` is acceptable to `git check-ref-format --branch` as a branch name (the rules of
 * git-check-ref-format(1), checked on `refs/heads/<name>`): no component starting with `.` or ending in
 * `.lock`, no `..`, no control character, space, `~ ^ : ? * [ \`, no `@{`, not `@`, no empty component,
 * no trailing `.` or `/`, and (git's extra rules for branches) no leading `-` and not `HEAD`. It is a
 * little stricter than git in one place: `@` alone is refused, because git reads it as HEAD in revisions.
 */
export function isValidBranchName(name: string): boolean {
  if (name === '' || name === '@' || name === 'HEAD' || name.startsWith('-')) return false;
  if (name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what git forbids
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return false;
  return name.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}

/** What decides a commit's type: an explicit type, the issue's labels, and its title. */
export interface CommitTypeHints {
  readonly title: string;
  readonly labels?: readonly string[];
  /** A type the planner chose for the story; wins over labels and title. */
  readonly type?: CommitType;
}

const LABEL_TYPES: ReadonlyArray<readonly [RegExp, CommitType]> = [
  [/^(bug|defect|regression|fix)$/i, 'fix'],
  [/^(docs?|documentation)$/i, 'docs'],
  [/^(tests?|testing)$/i, 'test'],
  [/^(refactor(ing)?|tech[- ]debt|cleanup)$/i, 'refactor'],
  [/^(chore|dependencies|deps|ci|build|maintenance)$/i, 'chore'],
  [/^(enhancement|feature|feat)$/i, 'feat'],
];

const TITLE_TYPES: ReadonlyArray<readonly [RegExp, CommitType]> = [
  [/^(fix|bug|repair|resolve|correct|patch)\b|\b(bug|crash(es)?|broken|regression)\b/i, 'fix'],
  [/^(docs?|document)\b|\b(readme|documentation|changelog)\b/i, 'docs'],
  [/^(test|tests|cover)\b|\b(unit tests?|test coverage)\b/i, 'test'],
  [/^(refactor|rename|extract|restructure|simplify|clean ?up)\b/i, 'refactor'],
  [/^(chore|bump|upgrade|update dependenc|pin)\b|\b(ci|dependencies)\b/i, 'chore'],
];

const CONVENTIONAL_PREFIX = /^(feat|fix|test|docs|refactor|chore)(\([^)]*\))?!?:\s*/i;

/**
 * The Conventional Commit type of a story: the explicit type if given, else the first label that names
 * one (`bug` → fix, `documentation` → docs, ...), else a conventional prefix of the title (`fix: ...`),
 * else the title's leading verb or telling words, else `feat`.
 */
export function commitType(hints: CommitTypeHints): CommitType {
  if (hints.type !== undefined) return hints.type;
  for (const label of hints.labels ?? []) {
    const match = LABEL_TYPES.find(([pattern]) => pattern.test(label.trim()));
    if (match) return match[1];
  }
  const prefixed = CONVENTIONAL_PREFIX.exec(hints.title.trim());
  if (prefixed) return (prefixed[1] as string).toLowerCase() as CommitType;
  const byTitle = TITLE_TYPES.find(([pattern]) => pattern.test(hints.title.trim()));
  return byTitle ? byTitle[1] : 'feat';
}

/** What a commit message is made of. */
export interface CommitMessageInput {
  readonly issue: number;
  readonly type: CommitType;
  /** The subject; only its first line is used, cleaned and bounded. */
  readonly summary: string;
  /** Optional body paragraphs (e.g. what changed and how it was tested). */
  readonly body?: string;
}

// Control characters (except tab and newline in the body), bidi controls and zero-width characters: none
// belongs in a commit message, and some would make `git log` show something other than what is stored.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** One clean line: the first non-empty line, invisible characters removed, whitespace collapsed. */
function oneLine(text: string): string {
  const first =
    text
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((line) => line.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim())
      .find((line) => line !== '') ?? '';
  return first;
}

/** Cuts `text` to `max` characters at a word boundary when there is one in the last third. */
function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space >= (max * 2) / 3 ? cut.slice(0, space) : cut).replace(/[\s.,;:-]+$/, '');
}

/**
 * The commit message `type(#issue): subject` plus an optional body after a blank line, ending in a
 * newline. The subject is the summary's first line without a conventional prefix of its own, invisible
 * characters, a trailing period or a capitalised first word (`Add X` → `add X`; `API x` stays), bounded so
 * the header fits {@link MAX_SUBJECT_LINE_LENGTH}. An empty subject is an error: a commit must say what it
 * does.
 */
export function commitMessage(input: CommitMessageInput): string {
  assertIssueNumber(input.issue);
  if (!(COMMIT_TYPES as readonly string[]).includes(input.type)) {
    throw new RangeError(`unknown commit type "${input.type}"; expected one of ${COMMIT_TYPES.join(', ')}`);
  }
  const header = `${input.type}(#${input.issue}): `;
  let subject = oneLine(input.summary).replace(CONVENTIONAL_PREFIX, '').replace(/\.+$/, '').trim();
  if (/^[A-Z][a-z]/.test(subject)) subject = subject[0]!.toLowerCase() + subject.slice(1);
  subject = bound(subject, MAX_SUBJECT_LINE_LENGTH - header.length);
  if (subject === '') throw new RangeError('the commit summary has no visible text');
  const body = (input.body ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
  return body === '' ? `${header}${subject}\n` : `${header}${subject}\n\n${body}\n`;
}
