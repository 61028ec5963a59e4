import { describe, expect, it } from '@jest/globals';
import {
  checkTemplate,
  evaluate,
  evaluateCondition,
  ExpressionError,
  interpolate,
  lenient,
  parseCondition,
} from '../../../testbed/runner/expressions.js';
import type { Scope } from '../../../testbed/runner/expressions.js';

const scope = (status: 'success' | 'failure' | 'cancelled' = 'success'): Scope => ({
  contexts: {
    inputs: { stage: 'review', issue: '12', empty: '' },
    github: {
      repository: 'acme/widgets',
      token: 'ghs_x',
      event: { repository: { default_branch: 'main' } },
    },
    matrix: { role: 'security' },
    steps: {
      'app-token': { outputs: lenient({ token: 'ghs_app' }), outcome: 'success', conclusion: 'success' },
      later: null,
    },
    needs: { review: { result: 'failure', outputs: {} } },
    secrets: { KEY: 'sk-1' },
    vars: { APP_ID: '42' },
  },
  status: {
    success: () => status === 'success',
    failure: () => status === 'failure',
    cancelled: () => status === 'cancelled',
  },
});

describe('expressions: values', () => {
  it.each<[string, unknown]>([
    ["'it''s'", "it's"],
    ['42', 42],
    ['-1.5', -1.5],
    ['0xff', 255],
    ['true', true],
    ['null', null],
    ['inputs.stage', 'review'],
    ['INPUTS.Stage', 'review'],
    ["inputs['issue']", '12'],
    ['github.event.repository.default_branch', 'main'],
    ['steps.app-token.outputs.token', 'ghs_app'],
    ['steps.app-token.outputs.missing', null],
    ['steps.later.outputs.token', null],
    ['steps.app-token.outcome', 'success'],
    ['needs.review.result', 'failure'],
    ['matrix.role', 'security'],
    ['secrets.KEY', 'sk-1'],
    ['vars.APP_ID', '42'],
  ])('%s', (text, expected) => {
    expect(evaluate(text, scope())).toEqual(expected);
  });

  it.each<[string, unknown]>([
    ["inputs.stage == 'REVIEW'", true],
    ["inputs.stage != 'plan'", true],
    ['inputs.issue == 12', true],
    ['inputs.empty == 0', true],
    ['null == 0', true],
    ['true == 1', true],
    ["'abc' == 0", false],
    ["inputs.stage == 'plan' || inputs.stage == 'review'", true],
    ["inputs.stage && 'x'", 'x'],
    ["inputs.empty || 'fallback'", 'fallback'],
    ["inputs.empty && 'x'", ''],
    ['!inputs.empty', true],
    ["!(inputs.stage == 'review')", false],
    ["(inputs.stage == 'plan' || inputs.stage == 'review') && inputs.issue != ''", true],
  ])('%s → %p', (text, expected) => {
    expect(evaluate(text, scope())).toEqual(expected);
  });
});

describe('expressions: templates', () => {
  it('substitutes each ${{ }} once, as text', () => {
    expect(interpolate('ai-orchestrator ${{ inputs.stage }} ${{inputs.issue}}', scope())).toBe(
      'ai-orchestrator review 12',
    );
    expect(interpolate('${{ 1 == 1 }}-${{ null }}-${{ 3 }}', scope())).toBe('true--3');
    // A value that reads like an expression is not evaluated again.
    const hostile: Scope = { contexts: { inputs: { x: '${{ secrets.KEY }}' } } };
    expect(interpolate('${{ inputs.x }}', hostile)).toBe('${{ secrets.KEY }}');
  });

  it('finds the closing braces outside string literals', () => {
    expect(interpolate("${{ '}}' }}!", scope())).toBe('}}!');
  });

  it('refuses an unclosed expression and an object result', () => {
    expect(() => interpolate('${{ inputs.stage', scope())).toThrow(ExpressionError);
    expect(() => interpolate('${{ github.event }}', scope())).toThrow(/is an object, not a string/);
  });
});

describe('expressions: conditions', () => {
  const holds = (text: string | boolean, status: 'success' | 'failure' | 'cancelled' = 'success') =>
    evaluateCondition(parseCondition(text), scope(status));

  it('adds success() && when the condition calls no status function', () => {
    expect(holds("inputs.stage == 'review'")).toBe(true);
    expect(holds("inputs.stage == 'review'", 'failure')).toBe(false);
    expect(holds("always() && inputs.stage == 'review'", 'failure')).toBe(true);
    expect(holds('failure()', 'failure')).toBe(true);
    expect(holds('cancelled()', 'cancelled')).toBe(true);
    expect(holds('success()', 'cancelled')).toBe(false);
  });

  it('reads a whole ${{ }} as the expression and booleans as themselves', () => {
    expect(holds("${{ inputs.stage == 'plan' }}")).toBe(false);
    expect(holds(true)).toBe(true);
    expect(holds(false)).toBe(false);
  });

  it('refuses text mixed with ${{ }}: GitHub would read it as a non-empty string, always true', () => {
    expect(() => parseCondition("${{ inputs.stage }} == 'plan'")).toThrow(/mixes text/);
  });
});

describe('expressions: what the runner refuses, loudly and by name', () => {
  it.each<[string, RegExp]>([
    ["contains(inputs.stage, 'r')", /does not support the function contains\(\)/],
    ['toJSON(github)', /function tojson\(\)/],
    ['env.HOME', /does not support the env context/],
    ['job.status', /does not support the job context/],
    ['strategy.fail-fast', /does not support the strategy context/],
    ['unknown.x', /unknown context unknown/],
    ['inputs.nope', /inputs.nope .* does not exist/],
    ['secrets.MISSING', /secrets.MISSING .* does not exist/],
    ['github.event.repository.nope', /does not exist/],
    ['steps.nope.outputs.x', /steps.nope .* does not exist/],
    ['inputs.issue > 3', /does not support the > operator/],
    ['github.*.x', /object filters/],
    ["'unterminated", /unterminated string/],
    ['inputs.stage ==', /ends too early/],
    ['inputs.stage inputs.issue', /unexpected/],
    ['a $ b', /unexpected character/],
  ])('%s', (text, message) => {
    expect(() => evaluate(text, scope())).toThrow(ExpressionError);
    expect(() => evaluate(text, scope())).toThrow(message);
  });

  it('refuses status functions outside if:, and contexts not available in a place', () => {
    const values = { contexts: ['inputs', 'github'] as const, statusFunctions: false };
    expect(() => checkTemplate('${{ always() }}', values)).toThrow(/only allowed in an if: condition/);
    expect(() => checkTemplate('${{ secrets.KEY }}', values)).toThrow(
      /the secrets context is not available here/,
    );
    expect(() => checkTemplate('plain ${{ inputs.stage }} text', values)).not.toThrow();
  });
});
