/**
 * The runner's equivalents of actions/checkout, actions/upload-artifact and
 * actions/create-github-app-token, beyond what our own workflow exercises: the credential kept when asked,
 * a second checkout into a folder, several paths in one artifact, and their refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { startGitHub } from '../../../testbed/github/index.js';
import type { GitHubTestbed } from '../../../testbed/github/index.js';
import { startRunner } from '../../../testbed/runner/index.js';
import type { LocalRunner, RunRecord } from '../../../testbed/runner/index.js';
import type { World } from '../world.js';
import { job, scratchDir, step, world, writeFiles } from './support.js';

const WORKFLOW = `
name: builtins
on: workflow_dispatch
permissions:
  contents: read
jobs:
  steps:
    runs-on: ubuntu-latest
    steps:
      - id: default
        uses: actions/checkout@v4
      - id: show
        run: |
          git config --get-regexp extraheader
          git rev-parse --abbrev-ref HEAD
          cat README.md
      - id: sub
        uses: actions/checkout@v4
        with:
          path: sub
          ref: feature
          persist-credentials: false
      - id: list
        run: |
          cat sub/feature.txt
          git -C sub rev-parse --abbrev-ref HEAD
          git -C sub config --get-regexp extraheader || echo "no credential"
      - id: upload
        uses: actions/upload-artifact@v4
        with:
          name: both
          path: |
            README.md
            sub/feature.txt
      - id: again
        uses: actions/upload-artifact@v4
        with:
          name: both
          path: README.md
      - id: missing
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: none
          path: nothing-here
      - id: bad-key
        if: always()
        uses: actions/create-github-app-token@v2
        with:
          app-id: \${{ vars.APP_ID }}
          private-key: not a key
      - id: unknown-input
        if: always()
        uses: actions/checkout@v4
        with:
          path: other
          submodules: true
`;

let github: GitHubTestbed;
let fixtures: string;
let w: World;
let runner: LocalRunner;
let run: RunRecord;

beforeAll(async () => {
  github = await startGitHub();
  fixtures = scratchDir('builtins');
  writeFiles(fixtures, { 'builtins.yml': WORKFLOW });
  w = world(github);
  github.state.repos.commitFiles(w.repo, 'feature', github.state.as('alice'), { 'feature.txt': 'feature\n' });
  runner = startRunner({ github, projectRoot: process.cwd(), vars: { APP_ID: String(w.app.id) } });
  runner.addWorkflow(w.repo, { file: join(fixtures, 'builtins.yml') });
  run = await runner.dispatch(w.repo, 'builtins.yml');
});

afterAll(async () => {
  await runner.close();
  await github.close();
  rmSync(fixtures, { recursive: true, force: true });
});

describe('actions/checkout', () => {
  it('checks out the dispatched commit on its branch and keeps the credential by default (masked)', () => {
    const steps = job(run, 'steps');
    expect(step(steps, 'default').outputs).toEqual({
      ref: 'refs/heads/main',
      commit: w.repo.branches.get('main'),
    });
    expect(step(steps, 'show').stdout).toBe(
      `http.${github.url}/.extraheader AUTHORIZATION: basic ***\nmain\n# widgets\n`,
    );
  });

  it('checks a branch out into a folder, and removes the credential with persist-credentials: false', () => {
    const steps = job(run, 'steps');
    expect(step(steps, 'sub').outputs).toEqual({ ref: 'feature', commit: w.repo.branches.get('feature') });
    expect(step(steps, 'list').stdout).toBe('feature\nfeature\nno credential\n');
  });

  it('refuses an input it does not implement', () => {
    expect(step(job(run, 'steps'), 'unknown-input')).toMatchObject({
      outcome: 'failure',
      error: "the local runner's actions/checkout does not implement the input submodules",
    });
  });
});

describe('actions/upload-artifact', () => {
  it('stores several paths as one artifact of the run, rooted at their common folder', async () => {
    const upload = step(job(run, 'steps'), 'upload');
    expect(upload.outcome).toBe('success');
    const id = Number(upload.outputs['artifact-id']);
    const zip = await w.bot.request(
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
      {
        owner: 'acme',
        repo: 'widgets',
        artifact_id: id,
        archive_format: 'zip',
      },
    );
    const files = unzipSync(new Uint8Array(zip.data as ArrayBuffer));
    expect(
      Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)])),
    ).toEqual({
      'README.md': '# widgets\n',
      'sub/feature.txt': 'feature\n',
    });
    expect(upload.outputs['artifact-url']).toBe(
      `${github.url}/acme/widgets/actions/runs/${run.id}/artifacts/${id}`,
    );
  });

  it('refuses a second artifact of the same name, and only warns when nothing matches', () => {
    const steps = job(run, 'steps');
    expect(step(steps, 'again').outcome).toBe('failure');
    expect(step(steps, 'again').error).toMatch(/\(409\) Conflict: an artifact with this name already exists/);
    expect(step(steps, 'missing')).toMatchObject({ outcome: 'success', outputs: {} });
    expect(step(steps, 'missing').stdout).toMatch(
      /^Warning: No files were found with the provided path: nothing-here/,
    );
    expect(github.state.actions.artifacts(w.repo, run.id).map((artifact) => artifact.name)).toEqual(['both']);
  });
});

describe('actions/create-github-app-token', () => {
  it('fails the step on a private key that is not one', () => {
    expect(step(job(run, 'steps'), 'bad-key').error).toMatch(
      /the private-key input is not a PEM private key/,
    );
    expect(run.conclusion).toBe('failure');
  });
});
