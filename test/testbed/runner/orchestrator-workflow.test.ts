/**
 * Our own workflow file, examples/workflows/ai-orchestrator.yml, run by the local runner against the
 * offline GitHub for each stage. The third-party steps are the runner's equivalents (checkout from the
 * offline GitHub's git server, the App token minted through its API, artifacts stored on the run); the
 * orchestrator's own actions are stand-ins with the real actions' inputs, so the test is about the
 * workflow (which jobs run, in what order, with which tokens and checkouts), not about the stages.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { parse, stringify } from 'yaml';
import { startGitHub } from '../../../testbed/github/index.js';
import type { GitHubTestbed } from '../../../testbed/github/index.js';
import { parseWorkflow, startRunner } from '../../../testbed/runner/index.js';
import type { LocalRunner, RunRecord } from '../../../testbed/runner/index.js';
import type { World } from '../world.js';
import { APP_PRIVATE_KEY, job, jobResults, scratchDir, step, world, writeFiles } from './support.js';

const WORKFLOW = join(process.cwd(), 'examples/workflows/ai-orchestrator.yml');
const SPEC = parseWorkflow(readFileSync(WORKFLOW, 'utf8'), WORKFLOW);

/** What the job's create-github-app-token step asks for: its `permission-*` inputs, as API permissions. */
function askedFor(jobId: string): Record<string, string> {
  const appToken = SPEC.jobs
    .find((candidate) => candidate.id === jobId)
    ?.steps.find((s) => s.id === 'app-token');
  if (appToken === undefined) throw new Error(`no app-token step in ${jobId}`);
  return Object.fromEntries(
    Object.entries(appToken.with).flatMap(([name, level]) =>
      name.startsWith('permission-') ? [[name.slice('permission-'.length).replace(/-/g, '_'), level]] : [],
    ),
  );
}
const STAGES = ['plan', 'implement', 'review', 'release-gate', 'validate'] as const;
const ROLES = ['story-alignment', 'test-quality', 'architecture', 'security'];
const MODEL_KEY = 'sk-ant-offline-0123456789';

/**
 * A stand-in for action/<stage>/action.yml: the real inputs, and steps that describe the checkout it got,
 * call the API with the token it was given, fail when the dispatch's context asks it to, and upload a
 * result document like the real action.
 */
function standIn(stage: string): string {
  const real = parse(readFileSync(join(process.cwd(), 'action', stage, 'action.yml'), 'utf8')) as {
    inputs: Record<string, unknown>;
  };
  const has = (name: string) => name in real.inputs;
  const artifact =
    stage === 'review' ? 'ai-orchestrator-verdict-${{ inputs.role }}' : 'ai-orchestrator-result';
  return stringify({
    name: `stand-in ${stage}`,
    inputs: real.inputs,
    outputs: { 'result-path': { value: '${{ steps.prepare.outputs.result-path }}' } },
    runs: {
      using: 'composite',
      steps: [
        {
          id: 'prepare',
          shell: 'bash',
          env: {
            STAGE: stage,
            ROLE: has('role') ? '${{ inputs.role }}' : '',
            CONTEXT: has('context') ? '${{ inputs.context }}' : '{}',
            TOKEN: '${{ inputs.github-token }}',
            MODEL_KEY: has('anthropic-api-key') ? '${{ inputs.anthropic-api-key }}' : '',
            WORKSPACE: has('workspace') ? '${{ inputs.workspace }}' : '',
            DEFAULT_BRANCH: has('default-branch') ? '${{ inputs.default-branch }}' : '',
          },
          run: [
            'dir="$RUNNER_TEMP/stand-in/$STAGE$ROLE"',
            'mkdir -p "$dir"',
            'if [ -d "$WORKSPACE/.git" ]; then',
            '  files=$(cd "$WORKSPACE" && ls | tr "\\n" " ")',
            '  head=$(git -C "$WORKSPACE" rev-parse HEAD)',
            '  credential=$(git -C "$WORKSPACE" config --get-regexp extraheader >/dev/null && echo kept || echo removed)',
            'else files=none; head=none; credential=none; fi',
            // Every token a stage gets reads contents, as the stages do.
            "status=$(node -e 'fetch(`${process.env.GITHUB_API_URL}/repos/${process.env.GITHUB_REPOSITORY}/contents/README.md`, { headers: { authorization: `token ${process.env.TOKEN}` } }).then((r) => console.log(r.status))')",
            'echo "token $TOKEN key $MODEL_KEY"',
            'printf \'{"stage":"%s","role":"%s","files":"%s","head":"%s","credential":"%s","api":"%s","branch":"%s"}\\n\' "$STAGE" "$ROLE" "$files" "$head" "$credential" "$status" "$DEFAULT_BRANCH" > "$dir/result.json"',
            'echo "result-path=$dir/result.json" >> "$GITHUB_OUTPUT"',
            'case "$CONTEXT" in *"\\"fail\\":\\"$STAGE$ROLE\\""*) echo "failing as asked"; exit 1 ;; esac',
          ].join('\n'),
        },
        {
          if: "always() && steps.prepare.outputs.result-path != ''",
          uses: 'actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f',
          with: {
            name: artifact,
            path: '${{ steps.prepare.outputs.result-path }}',
            'if-no-files-found': 'error',
          },
        },
      ],
    },
  });
}

let github: GitHubTestbed;
let standIns: string;
let w: World;
let runner: LocalRunner;
let pull: { number: number; headSha: string };

beforeAll(async () => {
  github = await startGitHub();
  standIns = scratchDir('stand-ins');
  writeFiles(
    standIns,
    Object.fromEntries(STAGES.map((stage) => [`action/${stage}/action.yml`, standIn(stage)])),
  );
});

afterAll(async () => {
  await runner.close();
  await github.close();
  rmSync(standIns, { recursive: true, force: true });
});

beforeEach(async () => {
  await runner?.close();
  w = world(github);
  const alice = github.state.as('alice');
  github.state.repos.commitFiles(w.repo, 'feature', alice, { 'feature.txt': 'the change\n' });
  const created = github.state.pulls.create(w.repo, alice, {
    title: 'A feature',
    head: 'feature',
    base: 'main',
  });
  pull = { number: created.pull.number, headSha: created.pull.headSha };
  runner = startRunner({
    github,
    projectRoot: process.cwd(),
    actions: { 'OWNER/REPO': standIns },
    secrets: { AI_ORCHESTRATOR_PRIVATE_KEY: APP_PRIVATE_KEY, ANTHROPIC_API_KEY: MODEL_KEY },
    vars: { AI_ORCHESTRATOR_APP_ID: String(w.app.id) },
  });
  runner.addWorkflow(w.repo, { file: WORKFLOW });
});

const dispatch = (stage: string, extra: Record<string, string> = {}) =>
  runner.dispatch(w.repo, 'ai-orchestrator.yml', {
    actor: 'alice',
    inputs: { stage, issue: '7', pr: String(pull.number), story: '', run_key: `${stage}-7-abc`, ...extra },
  });

/** The result documents of a run, downloaded through the REST API as the App downloads them: artifact name → document. */
async function resultsOf(run: RunRecord): Promise<Record<string, Record<string, string>>> {
  const listed = await w.bot.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', {
    owner: 'acme',
    repo: 'widgets',
    run_id: run.id,
  });
  const documents: Record<string, Record<string, string>> = {};
  for (const artifact of listed.data.artifacts) {
    const zip = await w.bot.request(
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
      {
        owner: 'acme',
        repo: 'widgets',
        artifact_id: artifact.id,
        archive_format: 'zip',
      },
    );
    const files = unzipSync(new Uint8Array(zip.data as ArrayBuffer));
    expect(Object.keys(files)).toEqual(['result.json']);
    documents[artifact.name] = JSON.parse(strFromU8(files['result.json'] ?? new Uint8Array())) as Record<
      string,
      string
    >;
  }
  return documents;
}

/** The permissions each App token minted for the orchestrator's app asked for, in minting order. */
const appTokenRequests = () =>
  github.state.apps
    .tokens()
    .filter((token) => token.installationId === w.installation.id && token.request.permissions !== undefined)
    .map((token) => ({ repositories: token.request.repositories, permissions: token.request.permissions }));

describe('examples/workflows/ai-orchestrator.yml on the local runner', () => {
  it('plan: only the plan job, on a credential-free checkout of the default branch', async () => {
    const run = await dispatch('plan');
    expect(run.conclusion).toBe('success');
    expect(run.title).toBe('ai-orchestrator plan plan-7-abc');
    expect(jobResults(run)).toEqual([
      'implement: skipped',
      'plan: success',
      'release-gate: skipped',
      'review: skipped',
      'validate: skipped',
    ]);
    expect(job(run, 'plan').tokenPermissions).toEqual({ contents: 'read', issues: 'read', metadata: 'read' });
    expect(appTokenRequests()).toEqual([]);
    const results = await resultsOf(run);
    expect(results['ai-orchestrator-result']).toEqual({
      stage: 'plan',
      role: '',
      files: 'README.md ',
      head: w.repo.branches.get('main'),
      credential: 'removed',
      // The GITHUB_TOKEN reaches the API with its contents: read.
      api: '200',
      branch: 'main',
    });
    // The model key is a secret: masked wherever a step prints it.
    expect(step(job(run, 'plan'), 'prepare').stdout).toContain('key ***');
  });

  it('implement: the App token carries exactly the permissions the job asks for', async () => {
    const run = await dispatch('implement');
    expect(run.conclusion).toBe('success');
    expect(jobResults(run).filter((line) => !line.endsWith('skipped'))).toEqual(['implement: success']);
    expect(askedFor('implement')).toMatchObject({ contents: 'write', pull_requests: 'write' });
    expect(appTokenRequests()).toEqual([{ repositories: ['widgets'], permissions: askedFor('implement') }]);
    const implement = job(run, 'implement');
    expect(step(implement, 'app-token').outputs).toMatchObject({
      'installation-id': String(w.installation.id),
      'app-slug': 'ai-orchestrator',
    });
    expect(step(implement, 'prepare').stdout).toBe('token *** key ***\n');
    expect((await resultsOf(run))['ai-orchestrator-result']).toMatchObject({
      stage: 'implement',
      api: '200',
    });
  });

  it('review: the four reviewers on the pull request head, then the release gate', async () => {
    const run = await dispatch('review');
    expect(run.conclusion).toBe('success');
    expect(jobResults(run)).toEqual([
      'implement: skipped',
      'plan: skipped',
      'release-gate: success',
      'review (architecture): success',
      'review (security): success',
      'review (story-alignment): success',
      'review (test-quality): success',
      'validate: skipped',
    ]);
    // Jobs are recorded as they end: the gate started only after the four reviewers had ended.
    const lastFive = run.jobs.slice(-5).map((record) => record.name);
    expect(lastFive[4]).toBe('release-gate');
    expect(lastFive.slice(0, 4).sort()).toEqual(ROLES.map((role) => `review (${role})`).sort());

    const results = await resultsOf(run);
    expect(Object.keys(results).sort()).toEqual([
      'ai-orchestrator-result',
      ...ROLES.map((role) => `ai-orchestrator-verdict-${role}`).sort(),
    ]);
    for (const role of ROLES) {
      expect(results[`ai-orchestrator-verdict-${role}`]).toEqual({
        stage: 'review',
        role,
        files: 'README.md feature.txt ',
        head: pull.headSha,
        credential: 'removed',
        api: '200',
        branch: 'main',
      });
    }
    expect(results['ai-orchestrator-result']).toMatchObject({
      stage: 'release-gate',
      files: 'none',
      api: '200',
    });
    expect(job(run, 'release-gate').tokenPermissions).toEqual({ metadata: 'read' });
    const requests = appTokenRequests();
    expect(requests).toHaveLength(5);
    expect(requests.slice(0, 4)).toEqual(
      ROLES.map(() => ({ repositories: ['widgets'], permissions: askedFor('review') })),
    );
    expect(requests[4]).toEqual({ repositories: ['widgets'], permissions: askedFor('release-gate') });
  });

  it('review: a failing reviewer still gets the release gate, and the run concludes failure', async () => {
    const run = await dispatch('review', { context: JSON.stringify({ fail: 'reviewsecurity' }) });
    expect(run.conclusion).toBe('failure');
    expect(github.state.actions.run(w.repo, run.id).conclusion).toBe('failure');
    expect(jobResults(run).filter((line) => !line.endsWith('skipped'))).toEqual([
      'release-gate: success',
      'review (architecture): success',
      'review (security): failure',
      'review (story-alignment): success',
      'review (test-quality): success',
    ]);
    const security = job(run, 'review (security)');
    expect(step(security, 'prepare')).toMatchObject({ outcome: 'failure', exitCode: 1 });
    // The failed reviewer's verdict is still uploaded (`if: always()`), as the real action does.
    expect(Object.keys(await resultsOf(run))).toContain('ai-orchestrator-verdict-security');
  });

  it('release-gate alone: the gate runs without the reviewers', async () => {
    const run = await dispatch('release-gate');
    expect(run.conclusion).toBe('success');
    expect(jobResults(run).filter((line) => !line.endsWith('skipped'))).toEqual(['release-gate: success']);
    expect(jobResults(run)).toContain('review: skipped');
  });

  it('validate: only the validate job', async () => {
    const run = await dispatch('validate');
    expect(run.conclusion).toBe('success');
    expect(jobResults(run).filter((line) => !line.endsWith('skipped'))).toEqual(['validate: success']);
    expect(appTokenRequests()).toEqual([{ repositories: ['widgets'], permissions: askedFor('validate') }]);
  });

  it('an unknown stage runs no job at all', async () => {
    const run = await dispatch('bogus');
    expect(jobResults(run).every((line) => line.endsWith(': skipped'))).toBe(true);
    expect(run.conclusion).toBe('success');
  });
});

describe('the real actions and bundles on the local runner', () => {
  it('release-gate: the real composite action runs dist/actions/release-gate.js against the offline GitHub', async () => {
    await runner.close();
    runner = startRunner({
      github,
      projectRoot: process.cwd(),
      secrets: { AI_ORCHESTRATOR_PRIVATE_KEY: APP_PRIVATE_KEY, ANTHROPIC_API_KEY: MODEL_KEY },
      vars: { AI_ORCHESTRATOR_APP_ID: String(w.app.id) },
    });
    const fresh = world(github);
    const alice = github.state.as('alice');
    github.state.repos.commitFiles(fresh.repo, 'feature', alice, { 'feature.txt': 'the change\n' });
    const created = github.state.pulls.create(fresh.repo, alice, {
      title: 'A feature',
      head: 'feature',
      base: 'main',
    });
    runner.addWorkflow(fresh.repo, { file: WORKFLOW });
    w = fresh;
    const run = await runner.dispatch(fresh.repo, 'ai-orchestrator.yml', {
      actor: 'alice',
      inputs: {
        stage: 'release-gate',
        issue: '1',
        pr: String(created.pull.number),
        run_key: 'release-gate-1-real',
      },
    });

    const gate = job(run, 'release-gate');
    expect(gate.steps.map((record) => [record.id, record.outcome])).toEqual([
      ['app-token', 'success'],
      ['__OWNER_REPO', 'success'],
    ]);
    expect(step(gate, '__OWNER_REPO').steps.map((record) => record.id)).toEqual([
      'prepare',
      'run',
      '__actions_upload_artifact',
    ]);
    // The bundle published its gate check with the App's token, so the check belongs to the App.
    const checks = [...fresh.repo.checkRuns.values()].filter(
      (check) => check.name === 'ai-orchestrator/release-gate',
    );
    expect(checks.map((check) => [check.headSha, check.appId])).toEqual([
      [created.pull.headSha, fresh.app.id],
    ]);
    const documents = await resultsOf(run);
    expect(documents['ai-orchestrator-result']).toMatchObject({ run_key: 'release-gate-1-real' });
  });
});
