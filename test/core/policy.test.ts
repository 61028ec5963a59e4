import { describe, expect, it } from '@jest/globals';
import {
  configJsonSchema,
  defaultPolicy,
  mergePolicy,
  parseConfigYaml,
  PolicySyntaxError,
  resolvePolicy,
} from '../../core/policy.js';

describe('policy', () => {
  it('the default policy is valid and has the design defaults', () => {
    const policy = defaultPolicy();
    expect(policy.trigger.label).toBe('ai:implement');
    expect(policy.review.reviewers.map((r) => r.role)).toEqual([
      'story-alignment',
      'test-quality',
      'architecture',
      'security',
    ]);
    expect(policy.authorization.commands.pause).toBe('maintain');
    expect(policy.merge.method).toBe('squash');
    expect(policy.lessons.max).toBe(5);
  });

  it('merges a repository config over the default: mappings by key, lists replace', () => {
    const result = resolvePolicy({
      implement: { fix_attempts: 3 },
      protected_paths: ['infra/**'],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.policy.implement.fix_attempts).toBe(3);
    expect(result.policy.implement.max_parallel_stories).toBe(2);
    expect(result.policy.protected_paths).toEqual(['infra/**']);
  });

  it('names every bad field: a misspelt key, a wrong type and an out-of-range number', () => {
    const result = resolvePolicy({
      implement: { fix_atempts: 2, fix_attempts: 'many' },
      review: { revision_rounds: 9 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.errors.map((e) => `${e.path}: ${e.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'implement.fix_atempts: unknown key; did you mean "fix_attempts"?',
        'implement.fix_attempts: expected an integer from 0 to 5, got "many"',
        'review.revision_rounds: expected an integer from 0 to 5, got 9',
      ]),
    );
    expect(lines).toHaveLength(3);
  });

  it('reports unknown top-level sections and nested list items by path', () => {
    const result = resolvePolicy({
      reviewers: [],
      review: { reviewers: [{ role: 'security', required: 'yes' }, { role: 'style' }] },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.errors.map((e) => `${e.path}: ${e.message}`);
    expect(lines).toContain('reviewers: unknown key; did you mean "review"?');
    expect(lines).toContain('review.reviewers[0].required: expected true or false, got "yes"');
    expect(lines).toContain(
      'review.reviewers[1].role: expected one of story-alignment, test-quality, architecture, security, got "style"',
    );
    expect(lines).toContain('review.reviewers[1].required: expected true or false, got nothing');
  });

  it('refuses a duplicate reviewer, a state label as trigger and /approve for a bot', () => {
    const result = resolvePolicy({
      trigger: { label: 'ai:planning' },
      review: {
        reviewers: [
          { role: 'security', required: true },
          { role: 'security', required: false },
        ],
      },
      authorization: { allowed_bots: [{ login: 'renovate[bot]', commands: ['status', 'approve'] }] },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'trigger.label',
        'review.reviewers[1].role',
        'authorization.allowed_bots[0].commands[1]',
      ]),
    );
  });

  it('refuses a configuration that is not a mapping', () => {
    const result = resolvePolicy(['a']);
    expect(result).toEqual({
      ok: false,
      errors: [{ path: '(top level)', message: 'expected a mapping of settings, got a list' }],
    });
  });

  it('parses YAML text, refusing syntax errors, duplicate keys and non-mappings with the source named', () => {
    expect(parseConfigYaml('', 'x.yml')).toEqual({});
    expect(parseConfigYaml('implement:\n  fix_attempts: 2\n', 'x.yml')).toEqual({
      implement: { fix_attempts: 2 },
    });
    expect(() => parseConfigYaml('a: [1\n', 'x.yml')).toThrow(PolicySyntaxError);
    expect(() => parseConfigYaml('a: 1\na: 2\n', 'x.yml')).toThrow(/x\.yml: not valid YAML/);
    expect(() => parseConfigYaml('- 1\n', 'x.yml')).toThrow(
      /expected a mapping of settings at the top level, got a list/,
    );
  });

  it('deep-merges without touching its inputs', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 1 };
    const merged = mergePolicy(base, { a: { c: [3] } });
    expect(merged).toEqual({ a: { b: 1, c: [3] }, d: 1 });
    expect(base.a.c).toEqual([1, 2]);
  });

  it('publishes a JSON schema with every key optional and unknown keys refused', () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { properties?: Record<string, unknown>; additionalProperties?: boolean }>;
      required?: string[];
      additionalProperties?: boolean;
    };
    expect(schema.required).toBeUndefined();
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.implement?.properties).toHaveProperty('fix_attempts');
    expect(schema.properties.implement?.additionalProperties).toBe(false);
  });
});
