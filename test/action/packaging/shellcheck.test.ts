import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { actionPaths, readYaml, workflowPaths } from './project-files.js';
import { stepsOf } from './yaml-walk.js';

const SHELLCHECK = 'shellcheck';
const available = spawnSync(SHELLCHECK, ['--version']).status === 0;
if (!available) {
  // .ci/run installs it; a developer machine without it is told so rather than silently passing.
  console.warn('SKIPPED: shellcheck is not on PATH, so no run: step was shellchecked. Install shellcheck.');
}

/** Every bash `run:` script: all of a composite action's steps, and the workflows' steps. */
function scripts(): { where: string; script: string }[] {
  return [...actionPaths(), ...workflowPaths()].flatMap((file) =>
    stepsOf(readYaml(file))
      .filter(
        ({ step }) => typeof step.run === 'string' && (step.shell === undefined || step.shell === 'bash'),
      )
      .map(({ where, step }) => ({ where: `${file} ${where}`, script: step.run as string })),
  );
}

function shellcheck(script: string): string {
  const result = spawnSync(SHELLCHECK, ['--shell=bash', '--severity=style', '--format=gcc', '-'], {
    input: script,
    encoding: 'utf8',
  });
  return `${result.stdout}${result.stderr}`.trim();
}

(available ? describe : describe.skip)('shellcheck on every run: step', () => {
  it('finds the steps', () => {
    expect(scripts().length).toBeGreaterThanOrEqual(12);
  });

  it.each(scripts().map(({ where, script }) => [where, script]))('%s is clean', (_where, script) => {
    expect(shellcheck(script)).toBe('');
  });

  it('is not blind: an unquoted variable is reported', () => {
    expect(shellcheck('rm -rf $DIR/build\n')).toContain('SC2086');
  });
});
