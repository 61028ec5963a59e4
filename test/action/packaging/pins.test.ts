import { describe, expect, it } from '@jest/globals';
import { loadPins } from './pins.js';
import { actionPaths, readText, readYaml, workflowPaths } from './project-files.js';
import { stepsOf } from './yaml-walk.js';

const pins = loadPins();

interface PinnedLine {
  file: string;
  line: number;
  action: string;
  sha: string;
  comment: string;
}

/** Every `uses: owner/repo[/path]@<sha>` line, with the version its trailing comment names. */
function pinnedLines(): PinnedLine[] {
  return [...workflowPaths(), ...actionPaths()].flatMap((file) =>
    readText(file)
      .split('\n')
      .flatMap((text, index) => {
        const match = /^\s*(?:-\s+)?uses:\s*([^@\s]+)@([0-9a-f]{40})\s*(?:#\s*(\S+))?/.exec(text);
        if (match === null) return [];
        const [, path = '', sha = '', comment = ''] = match;
        // owner/repo/sub/action is pinned as the repository owner/repo.
        const action = path.split('/').slice(0, 2).join('/');
        return [{ file, line: index + 1, action, sha, comment }];
      }),
  );
}

describe('pinned actions against the reviewed allow-list (checklist 35)', () => {
  const lines = pinnedLines();

  it('finds every pinned uses: the parsed YAML holds (none hidden by quoting or layout)', () => {
    const parsed = [...workflowPaths(), ...actionPaths()].flatMap((file) =>
      stepsOf(readYaml(file)).filter(
        ({ step }) => typeof step.uses === 'string' && /@[0-9a-f]{40}$/.test(step.uses),
      ),
    );
    expect(lines).toHaveLength(parsed.length);
    expect(lines.map((line) => line.action)).toEqual(
      expect.arrayContaining([
        'actions/checkout',
        'actions/upload-artifact',
        'actions/create-github-app-token',
      ]),
    );
  });

  it('every pinned SHA is a reviewed one, and its comment names the reviewed tag', () => {
    const unreviewed = lines.flatMap((line) => {
      const entry = pins.actions.find((pin) => pin.uses === line.action && pin.sha === line.sha);
      if (entry === undefined)
        return [`${line.file}:${line.line} ${line.action}@${line.sha} is not in the allow-list`];
      return line.comment === entry.tag
        ? []
        : [`${line.file}:${line.line} says ${line.comment || 'no tag'}, expected # ${entry.tag}`];
    });
    expect(unreviewed).toEqual([]);
  });

  it('no known-bad SHA is allowed or used (tj-actions/changed-files 0e58ed86…)', () => {
    const denied = new Set(pins.denied.map((entry) => entry.sha));
    expect(denied.has('0e58ed8671d6b60d0890c21b07f8835ace038e67')).toBe(true);
    expect(pins.actions.filter((entry) => denied.has(entry.sha))).toEqual([]);
    expect(lines.filter((line) => denied.has(line.sha))).toEqual([]);
  });

  it('the allow-list holds full SHAs with release tags, and nothing no file uses', () => {
    for (const entry of pins.actions) {
      expect(entry.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(entry.tag).toMatch(/^v\d+\.\d+\.\d+$/);
    }
    const used = new Set(lines.map((line) => `${line.action}@${line.sha}`));
    expect(pins.actions.filter((entry) => !used.has(`${entry.uses}@${entry.sha}`))).toEqual([]);
  });
});
