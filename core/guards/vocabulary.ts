/**
 * The words the guards look for. They are assembled from parts on purpose: this repository lints itself
 * for unfinished-work markers, and the guard that finds them in other code must not trip on its own list.
 */

const join = (...parts: string[]): string => parts.join('');

/** Marker words that mean "unfinished" when they stand alone in a comment, written in capitals. */
export const MARKER_WORDS: readonly string[] = [
  join('TO', 'DO'),
  join('FIX', 'ME'),
  join('X', 'XX'),
  join('HA', 'CK'),
];

/** The two marker words that also count in lowercase at the start of a comment (`// word: ...`). */
export const LOWERCASE_MARKERS: readonly string[] = [join('to', 'do'), join('fix', 'me')];

/** The phrase "not (yet) done" in its usual English wording. */
export const NOT_DONE = join('not (?:yet )?imple', 'mented');

/** The same as one word, as Rust's macro and many error messages spell it. */
export const UNDONE_WORD = join('unimple', 'mented');

/** Python's exception for a method left to be written. */
export const PYTHON_NOT_DONE_ERROR = join('NotImple', 'mentedError');

/** .NET's exception for the same. */
export const DOTNET_NOT_DONE_EXCEPTION = join('NotImple', 'mentedException');

/** Rust's two macros that panic in place of code. */
export const RUST_PLACEHOLDER_MACROS: readonly string[] = [join('to', 'do'), UNDONE_WORD];

/** Kotlin's standard-library function that throws in place of code. */
export const KOTLIN_PLACEHOLDER_CALL = join('TO', 'DO');

/** Phrases in a comment that say the code around them is a placeholder. */
export const PLACEHOLDER_PHRASES: readonly string[] = [
  NOT_DONE,
  UNDONE_WORD,
  join('imple', 'ment(?:ed)? (?:this |it |me )?later'),
  join('st', 'ub(?:bed)? (?:out|implementation|for now)'),
  join('place', 'holder (?:implementation|for now|logic|code)'),
  join('implement ', 'me'),
];

/** Comments that consist of nothing but one of these words mark a placeholder too. */
export const PLACEHOLDER_WORDS: readonly string[] = [join('st', 'ub'), join('place', 'holder')];
