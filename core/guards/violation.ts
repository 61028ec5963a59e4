/** What a guard reports (design §6, "guards before a commit"). */

export const GUARD_NAMES = [
  'unfinished_work',
  'assertion_free_test',
  'protected_path',
  'diff_too_large',
  'missing_cited_file',
] as const;
export type GuardName = (typeof GUARD_NAMES)[number];

/** One finding: which guard, where (when it is about one file or line), and what to do about it. */
export interface Violation {
  readonly guard: GuardName;
  readonly file?: string;
  readonly line?: number;
  /** One or two sentences a developer or the model can act on: what is wrong and how to fix it. */
  readonly message: string;
}

/** A short quote of a source line for a message: trimmed, at most `max` characters. */
export function quote(text: string, max = 80): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 3)}...`;
}
