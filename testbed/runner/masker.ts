/**
 * Secret masking as GitHub's runner does it: every registered value is replaced by `***` in what the
 * logs keep. A secret is registered whole and line by line (output is masked a line at a time, so a
 * multi-line secret would otherwise never match); `::add-mask::` values are registered as given.
 */
export class Masker {
  private readonly values = new Set<string>();
  /** Longest first, so a secret containing another is masked whole. */
  private ordered: string[] = [];

  /** Registers a secret (configured secrets, tokens): the value and each of its non-blank lines. */
  addSecret(value: string): void {
    this.add(value);
    for (const line of value.split(/\r?\n/)) this.add(line.trim());
  }

  /** Registers a value exactly as given (the `::add-mask::` command). */
  add(value: string): void {
    if (value.trim() === '' || this.values.has(value)) return;
    this.values.add(value);
    this.ordered = [...this.values].sort((a, b) => b.length - a.length);
  }

  /** `text` with every registered value replaced by `***`. */
  mask(text: string): string {
    let masked = text;
    for (const value of this.ordered) masked = masked.split(value).join('***');
    return masked;
  }
}
