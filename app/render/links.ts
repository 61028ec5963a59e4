/** Links the app puts in comments: only http(s) addresses, percent-encoded so they cannot break the markup. */

/** `[text](url)` for an http(s) URL; the bare text when the URL is anything else. `text` must be safe already. */
export function link(text: string, url: string | null | undefined): string {
  if (typeof url !== 'string') return text;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return text;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return text;
  const safe = parsed.href.replace(
    /[()<>\s"'`]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return `[${text}](${safe})`;
}

/** A commit as people read it: the first seven characters, in code. */
export function shortSha(sha: string | null | undefined): string {
  return typeof sha === 'string' && /^[0-9a-f]{7,40}$/.test(sha)
    ? `\`${sha.slice(0, 7)}\``
    : '(unknown commit)';
}
