/**
 * The files a developer's finish report cites, for the cited-files guard: every `code span` that looks
 * like a repository path (it has a folder separator or a file extension and no spaces), and every bare
 * word with a folder separator and an extension. Commands, branch names and versions are not paths and
 * are left out, so the guard can't fail a change over a word that never meant a file. Pure.
 */

/** A path-like token: segments of path characters, optionally with `:line`, `:line:col` or `#L1-L2`. */
const PATHLIKE = /^(?:\.{0,2}\/)?[\w@.+-]+(?:\/[\w@.+-]+)*\/?(?::\d+(?::\d+)?|#L\d+(?:-L?\d+)?)?$/;
/** The last segment ends in an extension that starts with a letter (so `1.2.3` is no file). */
const HAS_EXTENSION = /\.[A-Za-z][A-Za-z0-9]{0,9}(?::\d+(?::\d+)?|#L\d+(?:-L?\d+)?)?$/;
/**
 * Extensions a lone file name (no folder) must end in to count: without a folder, `Math.max` or
 * `config.timeout` in a code span is an expression, not a file.
 */
const FILE_EXTENSION =
  /\.(?:[cm]?[jt]sx?|json|md|ya?ml|toml|ini|cfg|txt|lock|py|pyi|go|mod|rs|java|kts?|gradle|xml|html?|css|scss|sh|rb|php|c|h|cc|cpp|hpp|cs|swift|sql|vue|svelte|properties)(?::\d+(?::\d+)?|#L\d+(?:-L?\d+)?)?$/i;

function isPath(token: string, bare: boolean): boolean {
  if (token.length > 300 || token.includes('://') || !PATHLIKE.test(token)) return false;
  const hasFolder = token
    .replace(/^\.{0,2}\//, '')
    .replace(/\/$/, '')
    .includes('/');
  if (bare) return hasFolder && HAS_EXTENSION.test(token);
  // A code span ending in `/` names a folder; otherwise a path needs an extension to be a file.
  if (token.endsWith('/')) return true;
  return hasFolder ? HAS_EXTENSION.test(token) : FILE_EXTENSION.test(token);
}

/** The cited paths of `texts`, in order of first appearance, each once. */
export function citedFiles(...texts: readonly string[]): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    for (const [, span] of text.matchAll(/`([^`\n]+)`/g)) {
      const token = (span ?? '').trim();
      if (isPath(token, false)) found.add(token);
    }
    const outsideSpans = text.replace(/`[^`\n]*`/g, ' ');
    for (const word of outsideSpans.split(/[\s,;()[\]"'<>]+/)) {
      const token = word.replace(/[.:]+$/, '');
      if (token !== '' && isPath(token, true)) found.add(token);
    }
  }
  return [...found];
}
