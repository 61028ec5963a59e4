/** Builders of reviewer documents and stage results for tests: valid by default, overridable field by field. */
import type { Finding, Usage, Verdict } from '../../core/results.js';
import type { ReviewerRole } from '../../core/roles.js';

export const HEAD = 'abc1234def5678abc1234def5678abc1234def56';
export const OTHER_HEAD = '0123456789abcdef0123456789abcdef01234567';

export const usage = (): Usage => ({
  input_tokens: 1200,
  output_tokens: 300,
  cache_read_input_tokens: 800,
  cache_creation_input_tokens: 0,
  cost_usd: 0.012,
});

export function verdict(role: ReviewerRole, overrides: Partial<Verdict> = {}): Verdict {
  return {
    role,
    head_sha: HEAD,
    status: 'pass',
    summary: `${role} looks good`,
    findings: [],
    usage: usage(),
    ...overrides,
  };
}

export function finding(overrides: Partial<Finding> = {}): Finding {
  return { severity: 'minor', category: 'style', message: 'rename this variable', ...overrides };
}

/** A pass verdict on HEAD from each of the four default (required) reviewers. */
export const allPass = (): Verdict[] =>
  (['story-alignment', 'test-quality', 'architecture', 'security'] as const).map((role) => verdict(role));
