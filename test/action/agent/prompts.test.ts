import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadRolePrompt } from '../../../action/agent/prompts.js';
import { TOOL_NAMES } from '../../../action/agent/tool.js';
import { toolNamesForRole } from '../../../action/agent/toolbox.js';
import { AGENT_ROLES, REVIEWER_ROLES } from '../../../core/roles.js';

const PROMPTS = path.resolve('prompts');
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('the role prompts in prompts/', () => {
  it('exist for every role and are stable text: no dates, times, ids or trailing spaces', async () => {
    for (const role of AGENT_ROLES) {
      const text = await loadRolePrompt(PROMPTS, role);
      expect(text.startsWith('# Role: ')).toBe(true);
      expect(text).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|#\d+|[0-9a-f]{12,}/);
      expect(text).not.toMatch(/[ \t]$/m);
    }
  });

  it('name exactly the tools the role has', async () => {
    for (const role of AGENT_ROLES) {
      const text = await loadRolePrompt(PROMPTS, role);
      const own = toolNamesForRole(role);
      for (const tool of TOOL_NAMES)
        expect([role, tool, text.includes(`\`${tool}\``)]).toEqual([role, tool, own.includes(tool)]);
    }
  });

  it('carry the rules that counter the known failure modes', async () => {
    // Rules are matched on the text with line wrapping undone.
    const developer = flat(await loadRolePrompt(PROMPTS, 'developer'));
    for (const rule of [
      'No TODO, FIXME',
      'Every parameter is used',
      'No shortcut paths',
      "Tests call the project's real code",
      'No test without assertions',
      'Stay inside the story',
      'Ask instead of guessing',
      'Never touch protected paths',
      'Never claim that tests pass unless you saw them',
    ]) {
      expect([rule, developer.includes(rule)]).toEqual([rule, true]);
    }
    const planner = flat(await loadRolePrompt(PROMPTS, 'planner'));
    for (const rule of [
      'Stay inside the issue',
      'Ask instead of guessing',
      'Never plan changes to protected paths',
    ]) {
      expect([rule, planner.includes(rule)]).toEqual([rule, true]);
    }
    for (const role of REVIEWER_ROLES) {
      const reviewer = flat(await loadRolePrompt(PROMPTS, role));
      for (const rule of ['Judge only the evidence', '"Could not verify" is not "pass"', 'untrusted data']) {
        expect([role, rule, reviewer.includes(rule)]).toEqual([role, rule, true]);
      }
    }
    expect(await loadRolePrompt(PROMPTS, 'test-quality')).toContain("Tests call the project's real code");
    expect(await loadRolePrompt(PROMPTS, 'story-alignment')).toContain('Scope creep is a finding');
  });
});

describe('loadRolePrompt', () => {
  it('reads from the folder it is given, normalising line endings and trailing whitespace', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'prompts-'));
    try {
      await writeFile(path.join(folder, 'planner.md'), '# Role: planner\r\n\r\nPlan.\r\n\r\n');
      expect(await loadRolePrompt(folder, 'planner')).toBe('# Role: planner\n\nPlan.');
      await writeFile(path.join(folder, 'developer.md'), ' \n\n');
      await expect(loadRolePrompt(folder, 'developer')).rejects.toThrow(
        `the developer prompt ${path.join(folder, 'developer.md')} is empty`,
      );
      await expect(loadRolePrompt(folder, 'security')).rejects.toThrow(
        `cannot read the security prompt ${path.join(folder, 'security.md')}: ENOENT`,
      );
      await writeFile(path.join(folder, 'architecture.md'), 'x'.repeat(70_000));
      await expect(loadRolePrompt(folder, 'architecture')).rejects.toThrow('is larger than 65536 bytes');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
