import { describe, expect, it } from '@jest/globals';
import {
  codeBlock,
  escapeLines,
  escapeText,
  inlineCode,
  link,
  renderConfigErrors,
  renderPlan,
  renderPost,
  renderRefusal,
  renderTracking,
} from '../../../app/render/index.js';
import type { ItemView } from '../../../app/render/index.js';

describe('quoting untrusted text', () => {
  it('never lets a text mention people or teams', () => {
    const text = escapeText('ping @octocat and @acme/security, mail a@b.c');
    expect(text).not.toMatch(/@[A-Za-z0-9]/);
    expect(text).toContain('@&#8203;octocat');
    expect(text).toContain('@&#8203;acme/security');
  });

  it('neither renders HTML (comments, hidden elements, images) nor Markdown links, images or headings', () => {
    const text = escapeLines(
      '# Title\n<!-- hidden --><img src=x onerror=alert(1)>\n[click](https://evil.example) ![pixel](https://evil.example/p.png)',
    );
    expect(text).not.toContain('<');
    expect(text).toContain('&lt;\\!\\-\\- hidden \\-\\-&gt;');
    expect(text).toContain('\\[click\\]\\(https://evil\\.example\\)');
    expect(text).toContain('\\!\\[pixel\\]');
    expect(text.startsWith('\\# Title')).toBe(true);
  });

  it('shows invisible and bidirectional characters instead of letting them hide or reorder text', () => {
    expect(escapeText('safe\u202Etxt.exe\u200B')).toBe('safe\\[U\\+202E\\]txt\\.exe\\[U\\+200B\\]');
    expect(inlineCode('a\u2066b')).toBe('`a[U+2066]b`');
  });

  it('redacts secrets a model may have echoed', () => {
    const token = `ghp_${'a1B2'.repeat(9)}`;
    expect(escapeText(`token ${token}`)).not.toContain(token);
    expect(codeBlock(`export KEY=${token}`)).not.toContain(token);
  });

  it('fences code with more backticks than the text holds', () => {
    expect(inlineCode('a`b')).toBe('``a`b``');
    expect(inlineCode('`x`')).toBe('`` `x` ``');
    expect(codeBlock('```\nrm -rf /\n```')).toBe('````text\n```\nrm -rf /\n```\n````');
  });

  it('cuts long texts with an ellipsis', () => {
    expect(escapeText('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('links only http(s) addresses, and cannot be broken out of', () => {
    expect(link('run', 'javascript:alert(1)')).toBe('run');
    expect(link('run', 'https://github.com/o/r/actions/runs/1?a=(b)')).toBe(
      '[run](https://github.com/o/r/actions/runs/1?a=%28b%29)',
    );
    expect(link('run', null)).toBe('run');
  });
});

describe('comment texts', () => {
  it('a plan shows each story with its criteria, dependencies, estimate and the critical path', () => {
    const text = renderPlan(12, {
      summary: 'Add insurance.',
      stories: [
        {
          id: 'A',
          title: 'Model',
          description: 'The model.',
          acceptance_criteria: ['saves a policy'],
          depends_on: [],
          estimate: 3,
        },
        {
          id: 'B',
          title: 'API',
          description: 'The API.',
          acceptance_criteria: ['POST /policies works'],
          depends_on: ['A'],
          estimate: 5,
        },
      ],
    });
    expect(text).toContain('### Plan for #12');
    expect(text).toContain('| `B` | API | 5 | `A` |');
    expect(text).toContain('critical path `A` → `B` (8 points)');
    expect(text).toContain('- saves a policy');
    expect(text).toContain('`/approve`');
  });

  it('a failure links its run and quotes the reason', () => {
    const text = renderPost({
      message: 'failed',
      detail: 'the run ended without a result',
      runUrl: 'https://github.com/acme/widgets/actions/runs/5',
      subject: { kind: 'story', issue: 7, story: 'B' },
    });
    expect(text).toContain(
      'Story `B` failed in [this workflow run](https://github.com/acme/widgets/actions/runs/5)',
    );
    expect(text).toContain('```text\nthe run ended without a result\n```');
    expect(text).toContain('`/retry`');
  });

  it('the tracking comment shows state, label, stories, runs and cost, and the pause', () => {
    const view: ItemView = {
      kind: 'epic',
      issue: 4,
      state: 'implementing',
      paused: true,
      stories: [{ id: 'A', title: 'Model', state: 'reviewing', issue: 5, pr: 9 }],
      runs: [
        {
          stage: 'plan',
          story: null,
          status: 'completed',
          conclusion: 'success',
          url: 'https://github.com/r/1',
          attempts: 1,
        },
      ],
      cost: { costUsd: 1.5, tokensIn: 12000, tokensOut: 3400, cacheReadTokens: 9000 },
    };
    const text = renderTracking(view);
    expect(text).toContain('## AI orchestrator: #4');
    expect(text).toContain('**State:** implementing (`ai:in-progress`)');
    expect(text).toContain('**Paused:**');
    expect(text).toContain('| `A` | Model | reviewing | #5 | #9 |');
    expect(text).toContain('| plan |  | [run](https://github.com/r/1) | completed: success |');
    expect(text).toContain(
      '**Cost:** $1.50 (12,000 input tokens, 3,400 output, 9,000 read from the prompt cache).',
    );
  });

  it('refusals and configuration errors quote what they are given', () => {
    expect(renderRefusal('approve', '@mallory has read permission')).toBe(
      '`/approve` was not carried out: @&#8203;mallory has read permission',
    );
    const text = renderConfigErrors([
      { path: 'implement.fix_attempts', message: 'expected an integer from 0 to 5, got "many"' },
    ]);
    expect(text).toContain(
      '- `implement.fix_attempts`: expected an integer from 0 to 5, got &quot;many&quot;',
    );
  });
});
