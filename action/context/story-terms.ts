/**
 * What a story (markdown) names: plain words for path and content matching, code identifiers for the
 * symbol search, and file paths it mentions. Pure text processing; no model.
 */

export interface StoryTerms {
  /** The first heading or line, trimmed: what the brief calls the story. */
  title?: string;
  /** Lower-case stemmed words, most-mentioned first: the vocabulary matched against paths and contents. */
  words: string[];
  /** For each of `words`, the form the story first used, for display (`pric` → `pricing`). */
  labels: string[];
  /** Code identifiers the story names (backticked, camelCase, PascalCase, snake_case), in order of mention. */
  identifiers: string[];
  /** Repository paths the story mentions (`src/cart.ts`, `app/`). */
  paths: string[];
}

const MAX_WORDS = 40;
const MAX_IDENTIFIERS = 20;

/**
 * Words that say nothing about *where* a change goes: English glue and story boilerplate. `test` is
 * here because every story asks for tests; matching it would rank every test file.
 */
const STOPWORDS = new Set(
  (
    'the and for with that this from into onto when then than have has had was were will would should could ' +
    'must may might can cannot not are is be been being its it’s our your their them they there here what ' +
    'which who whom whose why how all any each every some such only also just more most other same own ' +
    'very one two three via per out off over under about above below after before again once while where ' +
    'story stories acceptance criteria criterion given user users able want wants need needs needed so as ' +
    'add adds added adding new make makes use uses used using file files code change changes changed ' +
    'update updates updated support supports should shall test tests tested testing spec specs issue ' +
    'feature implement implements implementation work works done like e.g i.e etc see also please ' +
    'true false null none yes way case cases both either neither but because if else do does did not ' +
    'get gets set sets let lets return returns value values type types data thing things ' +
    'run runs ran running say says said touch touches tell tells try tries tried ' +
    // Generic path segments and file extensions: they sit in thousands of paths and say nothing.
    'src lib pkg cmd internal index dist json yaml yml tsx jsx mjs cjs java html css'
  ).split(' '),
);

/** Product and technology names that look like CamelCase identifiers but name no symbol in the code. */
const NOT_IDENTIFIERS = new Set([
  'GitHub',
  'GitLab',
  'JavaScript',
  'TypeScript',
  'PostgreSQL',
  'MySQL',
  'MongoDB',
  'OAuth',
  'GraphQL',
  'OpenAPI',
  'NodeJS',
  'NextJS',
  'FastAPI',
  'PyPI',
  'YouTube',
  'LinkedIn',
  'PayPal',
  'WordPress',
  'DevOps',
  'README',
  'macOS',
  'iOS',
  'JSON',
  'YAML',
  'HTML',
  'HTTP',
  'HTTPS',
  'TODO',
  'FIXME',
]);

/** Language keywords and type names a story may backtick that are not symbols of the project. */
const KEYWORDS = new Set(
  'string number boolean object array undefined async await const function class import export interface enum def self this super void int long float double bool char str dict list map'.split(
    ' ',
  ),
);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CAMEL = /\b[A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+\b/g;
const SNAKE = /\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b/g;
const PATH_LIKE =
  /(?:^|[\s(`'"])((?:[\w.-]+\/)+[\w.-]*|[\w-]+\.(?:ts|tsx|js|jsx|mjs|cjs|py|go|rs|java|kt|rb|php|cs|c|h|cpp|json|ya?ml|toml|md|sql|sh))(?=$|[\s)`'",:;])/gm;

/**
 * Light stemming so `products`/`product`, `pricing`/`price`/`priced` and `policies`/`policy` meet: drops
 * plural, -ing and -ed endings and a final `e`, keeping at least three letters.
 */
export function stem(word: string): string {
  let out = word;
  if (out.length > 5 && out.endsWith('ies')) return `${out.slice(0, -3)}y`;
  if (out.length > 5 && out.endsWith('ing')) out = out.slice(0, -3);
  else if (out.length > 4 && out.endsWith('ed')) out = out.slice(0, -2);
  else if (out.length > 4 && out.endsWith('es') && !out.endsWith('ses')) out = out.slice(0, -1);
  else if (out.length > 3 && out.endsWith('s') && !out.endsWith('ss') && !out.endsWith('us'))
    out = out.slice(0, -1);
  if (out.length > 3 && out.endsWith('e')) out = out.slice(0, -1);
  return out;
}

/**
 * Splits an identifier, path or sentence into lower-case words at non-alphanumerics and camelCase
 * boundaries: `PetInsurance_v2` → pet, insurance, v2; `HTTPServer` → http, server. A hand-written scan
 * because it runs on every tracked path.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  const kind = (c: number) => (c >= 97 && c <= 122 ? 1 : c >= 65 && c <= 90 ? 2 : c >= 48 && c <= 57 ? 3 : 0);
  for (let i = 0; i <= text.length; i++) {
    const k = i < text.length ? kind(text.charCodeAt(i)) : 0;
    if (k === 0) {
      if (start >= 0) words.push(text.slice(start, i).toLowerCase());
      start = -1;
      continue;
    }
    if (start < 0) {
      start = i;
      continue;
    }
    const prev = kind(text.charCodeAt(i - 1));
    const next = i + 1 < text.length ? kind(text.charCodeAt(i + 1)) : 0;
    // A capital starts a word after a lower-case letter or digit (`petInsurance`), or ends a run of
    // capitals when a lower-case letter follows (`HTTPServer` → HTTP | Server).
    if (k === 2 && (prev === 1 || prev === 3 || (prev === 2 && next === 1))) {
      words.push(text.slice(start, i).toLowerCase());
      start = i;
    }
  }
  return words;
}

/** True for a word worth matching: three letters or more, not a stopword, not a number. */
export function isMeaningful(word: string): boolean {
  return word.length >= 3 && !STOPWORDS.has(word) && !/^\d+$/.test(word);
}

function addUnique(list: string[], value: string, max: number): void {
  if (list.length < max && !list.includes(value)) list.push(value);
}

/**
 * Extracts the terms of a story. HTML comments are dropped first: text a reader of the rendered issue
 * can't see must not steer what the agent is shown.
 */
export function extractStoryTerms(markdown: string): StoryTerms {
  // URLs are dropped too: their hosts and path segments are not the repository's vocabulary.
  const text = markdown.replace(/<!--[\s\S]*?-->/g, ' ').replace(/\bhttps?:\/\/\S+/g, ' ');
  const terms: StoryTerms = { words: [], labels: [], identifiers: [], paths: [] };
  const titleLine = text
    .split('\n')
    .map((line) => line.replace(/^#+\s*/, '').trim())
    .find((line) => line !== '');
  if (titleLine) terms.title = titleLine.length > 100 ? `${titleLine.slice(0, 99)}…` : titleLine;

  const addIdentifier = (raw: string) => {
    const name = raw.replace(/\(\)$/, '');
    for (const part of name.split(/\.|::|#/)) {
      const plainWord = part === part.toLowerCase() && !part.includes('_');
      const generic = plainWord && (STOPWORDS.has(part) || KEYWORDS.has(part));
      if (IDENTIFIER.test(part) && part.length >= 3 && !NOT_IDENTIFIERS.has(part) && !generic) {
        addUnique(terms.identifiers, part, MAX_IDENTIFIERS);
      }
    }
  };

  for (const match of text.matchAll(/`([^`\n]+)`/g)) {
    const code = (match[1] as string).trim();
    if (code.includes('/') || /\.[a-z]{1,5}$/.test(code)) {
      if (/^[\w./-]+$/.test(code))
        addUnique(terms.paths, code.replace(/^\.\//, '').replace(/\/$/, ''), MAX_IDENTIFIERS);
    } else if (/^[A-Za-z_][\w.:#]*(?:\(\))?$/.test(code)) {
      // A backticked plain word (`cart`) is as much an identifier as `CartService`.
      addIdentifier(code);
    }
  }
  for (const match of text.matchAll(CAMEL)) addIdentifier(match[0]);
  for (const match of text.matchAll(SNAKE)) addIdentifier(match[0]);
  for (const match of text.matchAll(PATH_LIKE)) {
    // A sentence's full stop is not part of the path it ends with.
    const path = (match[1] as string).replace(/^\.\//, '').replace(/[./]+$/, '');
    if (path.length > 2) addUnique(terms.paths, path, MAX_IDENTIFIERS);
  }

  // Words are counted with the paths taken out: a mentioned path is matched as a path, and its segments
  // (`src`, `index`) would otherwise match every file in the repository.
  const prose = text.replace(/`[^`\n]*[/.][^`\n]*`/g, ' ').replace(PATH_LIKE, ' ');
  const counts = new Map<string, { count: number; label: string }>();
  for (const word of splitWords(prose)) {
    if (!isMeaningful(word)) continue;
    const stemmed = stem(word);
    const entry = counts.get(stemmed);
    if (entry) entry.count++;
    else counts.set(stemmed, { count: 1, label: word });
  }
  const ranked = [...counts].sort((a, b) => b[1].count - a[1].count).slice(0, MAX_WORDS);
  terms.words = ranked.map(([word]) => word);
  terms.labels = ranked.map(([, entry]) => entry.label);
  return terms;
}
