import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/rest';
import { strFromU8, unzipSync } from 'fflate';
import { ProbotOctokit } from 'probot';
import { startGitHub } from '../../testbed/github/index.js';
import type { GitHubTestbed } from '../../testbed/github/index.js';
import { buildWorld, client, quietLog, rejection, WIDGETS } from './world.js';
import type { World } from './world.js';

let github: GitHubTestbed;
let world: World;

beforeAll(async () => {
  github = await startGitHub({ autoDeliver: false });
});
afterAll(async () => {
  await github.close();
});
beforeEach(() => {
  world = buildWorld(github);
});

describe('requests GitHub would refuse are refused the same way', () => {
  it('answers an unknown route with 404 Not Found', async () => {
    const { status, data } = await rejection(() =>
      world.bot.request('GET /repos/{owner}/{repo}/no-such-thing', WIDGETS),
    );
    expect(status).toBe(404);
    expect(data).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404',
    });
  });

  it('answers an issue without title with 422 and names the field', async () => {
    const { status, data } = await rejection(() =>
      world.bot.request('POST /repos/{owner}/{repo}/issues', { ...WIDGETS, body: 'no title' } as never),
    );
    expect(status).toBe(422);
    expect(data.message).toBe('Invalid request.\n\n"title" wasn\'t supplied.');
    expect(data.documentation_url).toBe('https://docs.github.com/rest/issues/issues#create-an-issue');
    expect(github.state.issues.list(world.repo)).toHaveLength(0);
  });

  it('answers a wrong type with 422', async () => {
    const { status, data } = await rejection(() =>
      world.bot.request('POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues', {
        ...WIDGETS,
        issue_number: 1,
        sub_issue_id: '7',
      } as never),
    );
    expect(status).toBe(422);
    expect(data.message).toBe('Invalid request.\n\nFor \'properties/sub_issue_id\', "7" is not an integer.');
  });

  it('answers malformed JSON with 400 Problems parsing JSON', async () => {
    const response = await fetch(`${github.url}/repos/acme/widgets/issues`, {
      method: 'POST',
      headers: {
        authorization: `token ${github.state.apps.tokens()[0]?.token}`,
        'content-type': 'application/json',
      },
      body: '{"title": "unterminated',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: 'Problems parsing JSON' });
  });

  it('answers a real route it does not implement with a loud 501 naming the operation', async () => {
    const { status, data } = await rejection(() => world.bot.rest.repos.listReleases(WIDGETS));
    expect(status).toBe(501);
    expect(data.message).toContain('repos/list-releases');
  });

  it('answers an honest parameter it does not honour with 501 rather than ignoring it', async () => {
    const { status, data } = await rejection(() =>
      world.bot.rest.issues.create({ ...WIDGETS, title: 't', milestone: 3 }),
    );
    expect(status).toBe(501);
    expect(data.message).toContain('"milestone" of issues/create');
  });

  it('refuses bad credentials, foreign repositories and missing permissions', async () => {
    const stranger = client(github.url, 'ghs_nope');
    expect((await rejection(() => stranger.rest.repos.get(WIDGETS))).status).toBe(401);
    github.state.accounts.createUser('solo');
    github.state.repos.create('solo', 'private-thing', { private: true });
    expect(
      (await rejection(() => world.bot.rest.repos.get({ owner: 'solo', repo: 'private-thing' }))).status,
    ).toBe(404);
    const narrow = github.state.apps.createInstallationToken(world.installation.id, {
      permissions: { issues: 'read' },
    });
    const reader = client(github.url, narrow.token);
    const refused = await rejection(() => reader.rest.issues.create({ ...WIDGETS, title: 'x' }));
    expect([refused.status, refused.data.message]).toEqual([403, 'Resource not accessible by integration']);
  });
});

describe('apps and installation tokens', () => {
  it('mints tokens from an app JWT and records the requested scope', async () => {
    const { createAppAuth } = await import('@octokit/auth-app');
    const appOctokit = new Octokit({
      baseUrl: github.url,
      authStrategy: createAppAuth,
      auth: { appId: world.app.id, privateKey: world.app.privateKeyPem },
    });
    const { data: app } = await appOctokit.rest.apps.getAuthenticated();
    expect(app?.slug).toBe('ai-orchestrator');
    const { data: installation } = await appOctokit.rest.apps.getRepoInstallation(WIDGETS);
    expect(installation.id).toBe(world.installation.id);
    const { data: token } = await appOctokit.rest.apps.createInstallationAccessToken({
      installation_id: installation.id,
      repositories: ['widgets'],
      permissions: { issues: 'write', checks: 'write' },
    });
    expect(token.permissions).toEqual({ issues: 'write', checks: 'write', metadata: 'read' });
    expect(token.repositories?.map((repo) => repo.name)).toEqual(['widgets']);
    const minted = github.state.apps.tokens().at(-1);
    expect(minted?.request).toEqual({
      repositories: ['widgets'],
      permissions: { issues: 'write', checks: 'write' },
    });
    const scoped = client(github.url, token.token);
    const { data: repos } = await scoped.rest.apps.listReposAccessibleToInstallation();
    expect(repos.repositories.map((repo) => repo.full_name)).toEqual(['acme/widgets']);
    const mint = github.requests.filter('apps/create-installation-access-token').at(-1);
    expect(mint?.auth).toMatchObject({ kind: 'app', appId: world.app.id });
  });

  it('refuses a JWT signed with another key and permissions the installation lacks', async () => {
    const { createAppAuth } = await import('@octokit/auth-app');
    const { generateKeyPairSync } = await import('node:crypto');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    const forged = new Octokit({
      baseUrl: github.url,
      authStrategy: createAppAuth,
      auth: { appId: world.app.id, privateKey: otherKey },
      log: quietLog,
    });
    expect((await rejection(() => forged.rest.apps.getAuthenticated())).status).toBe(401);
    expect(() =>
      github.state.apps.createInstallationToken(world.installation.id, {
        permissions: { administration: 'write' },
      }),
    ).toThrow('The permissions requested are not granted to this installation.');
  });
});

describe('issues, labels and comments', () => {
  it('creates, labels, unlabels and closes an issue', async () => {
    const { data: issue } = await world.bot.rest.issues.create({
      ...WIDGETS,
      title: 'Add pets',
      labels: ['ai:implement'],
    });
    expect(issue.labels.map((label) => (typeof label === 'string' ? label : label.name))).toEqual([
      'ai:implement',
    ]);
    expect(issue.performed_via_github_app?.slug).toBe('ai-orchestrator');
    await world.bot.rest.issues.addLabels({
      ...WIDGETS,
      issue_number: issue.number,
      labels: ['ai:planning'],
    });
    const { data: remaining } = await world.bot.rest.issues.removeLabel({
      ...WIDGETS,
      issue_number: issue.number,
      name: 'ai:implement',
    });
    expect(remaining.map((label) => label.name)).toEqual(['ai:planning']);
    const missing = await rejection(() =>
      world.bot.rest.issues.removeLabel({ ...WIDGETS, issue_number: issue.number, name: 'nope' }),
    );
    expect([missing.status, missing.data.message]).toEqual([404, 'Label does not exist']);
    await world.bot.rest.issues.setLabels({ ...WIDGETS, issue_number: issue.number, labels: ['ai:done'] });
    const { data: closed } = await world.bot.rest.issues.update({
      ...WIDGETS,
      issue_number: issue.number,
      state: 'closed',
    });
    expect([closed.state, closed.state_reason, closed.labels.length]).toEqual(['closed', 'completed', 1]);
    const dup = await rejection(() =>
      world.bot.rest.issues.createLabel({ ...WIDGETS, name: 'AI:DONE', color: '00ff00' }),
    );
    expect(dup.status).toBe(422);
    expect(github.webhooks.deliveries('issues').map((d) => d.action)).toEqual([]);
  });

  it('lists issues and pull requests with state and label filters', async () => {
    const alice = github.state.as('alice');
    const bug = github.state.issues.create(world.repo, alice, {
      title: 'bug',
      labels: ['bug', 'ai:implement'],
    });
    github.state.issues.create(world.repo, alice, { title: 'idea', labels: ['idea'] });
    const done = github.state.issues.create(world.repo, alice, { title: 'done', labels: ['bug'] });
    github.state.issues.update(world.repo, done.number, alice, { state: 'closed' });
    github.state.repos.push(world.repo, 'feature', alice);
    github.state.pulls.create(world.repo, alice, { title: 'pr', head: 'feature', base: 'main' });
    const titles = async (params: { state?: 'open' | 'closed' | 'all'; labels?: string }) =>
      (await world.bot.rest.issues.listForRepo({ ...WIDGETS, ...params })).data.map((issue) => issue.title);
    expect(await titles({})).toEqual(['pr', 'idea', 'bug']);
    expect(await titles({ labels: 'bug,ai:implement' })).toEqual(['bug']);
    expect(await titles({ state: 'all', labels: 'bug' })).toEqual(['done', 'bug']);
    const { data: listed } = await world.bot.rest.issues.listForRepo({ ...WIDGETS, state: 'open' });
    expect(listed.map((issue) => issue.pull_request !== undefined)).toEqual([true, false, false]);
    expect(bug.number).toBe(1);
  });

  it('drops labels from people without triage access, as GitHub does', async () => {
    github.state.accounts.createUser('passerby');
    const token = github.state.accounts.createUserToken('passerby');
    const passerby = client(github.url, token);
    const { data: issue } = await passerby.rest.issues.create({
      ...WIDGETS,
      title: 'bug',
      labels: ['ai:implement'],
    });
    expect(issue.labels).toEqual([]);
    expect(issue.author_association).toBe('NONE');
    expect(
      (
        await rejection(() =>
          passerby.rest.issues.addLabels({ ...WIDGETS, issue_number: issue.number, labels: ['x'] }),
        )
      ).status,
    ).toBe(403);
  });

  it('paginates comments over three pages with Link headers', async () => {
    const issue = github.state.issues.create(world.repo, github.state.as('alice'), { title: 'busy' });
    for (let i = 1; i <= 7; i += 1)
      github.state.comments.create(world.repo, issue.number, github.state.as('alice'), `comment ${i}`);
    const first = await world.bot.rest.issues.listComments({
      ...WIDGETS,
      issue_number: issue.number,
      per_page: 3,
    });
    expect(first.headers.link).toContain('rel="next"');
    expect(first.headers.link).toContain('page=3');
    const all = await world.bot.paginate(world.bot.rest.issues.listComments, {
      ...WIDGETS,
      issue_number: issue.number,
      per_page: 3,
    });
    expect(all.map((comment) => comment.body)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `comment ${i}`));
    const pages = github.requests.filter('issues/list-comments').map((request) => request.query.page ?? '1');
    expect(pages).toEqual(['1', '1', '2', '3']);
  });

  it('edits, reads and deletes a comment; others may not edit it without write access', async () => {
    const { data: issue } = await world.alice.rest.issues.create({ ...WIDGETS, title: 'q' });
    const { data: comment } = await world.alice.rest.issues.createComment({
      ...WIDGETS,
      issue_number: issue.number,
      body: '/approve',
    });
    expect(comment.author_association).toBe('COLLABORATOR');
    expect(
      (
        await rejection(() =>
          world.mallory.rest.issues.updateComment({ ...WIDGETS, comment_id: comment.id, body: 'x' }),
        )
      ).status,
    ).toBe(403);
    await world.alice.rest.issues.updateComment({ ...WIDGETS, comment_id: comment.id, body: '/reject' });
    const { data: read } = await world.bot.rest.issues.getComment({ ...WIDGETS, comment_id: comment.id });
    expect(read.body).toBe('/reject');
    await world.alice.rest.issues.deleteComment({ ...WIDGETS, comment_id: comment.id });
    expect(
      (await rejection(() => world.bot.rest.issues.getComment({ ...WIDGETS, comment_id: comment.id })))
        .status,
    ).toBe(404);
  });

  it('links sub-issues by issue id and refuses the issue number', async () => {
    const { data: epic } = await world.bot.rest.issues.create({ ...WIDGETS, title: 'epic' });
    const { data: story } = await world.bot.rest.issues.create({ ...WIDGETS, title: 'story' });
    const byNumber = await rejection(() =>
      world.bot.rest.issues.addSubIssue({
        ...WIDGETS,
        issue_number: epic.number,
        sub_issue_id: story.number,
      }),
    );
    expect(byNumber.status).toBe(404);
    const { status, data: parent } = await world.bot.rest.issues.addSubIssue({
      ...WIDGETS,
      issue_number: epic.number,
      sub_issue_id: story.id,
    });
    expect(status).toBe(201);
    expect(parent.sub_issues_summary).toEqual({ total: 1, completed: 0, percent_completed: 0 });
    const { data: children } = await world.bot.rest.issues.listSubIssues({
      ...WIDGETS,
      issue_number: epic.number,
    });
    expect(children.map((child) => child.number)).toEqual([story.number]);
    const again = await rejection(() =>
      world.bot.rest.issues.addSubIssue({ ...WIDGETS, issue_number: epic.number, sub_issue_id: story.id }),
    );
    expect(again.status).toBe(422);
  });
});

describe('people and permissions', () => {
  it('reports permission, role_name and user for collaborators, custom roles and strangers', async () => {
    github.state.accounts.createUser('tri');
    github.state.repos.addCollaborator(world.repo, 'tri', { roleName: 'release-captain', base: 'maintain' });
    const level = async (username: string) =>
      (await world.bot.rest.repos.getCollaboratorPermissionLevel({ ...WIDGETS, username })).data;
    expect(await level('alice')).toMatchObject({
      permission: 'write',
      role_name: 'write',
      user: { login: 'alice' },
    });
    expect(await level('ops')).toMatchObject({ permission: 'admin', role_name: 'admin' });
    expect(await level('tri')).toMatchObject({ permission: 'write', role_name: 'release-captain' });
    github.state.accounts.createUser('nobody');
    expect(await level('nobody')).toMatchObject({ permission: 'read', role_name: 'read' });
    expect((await rejection(() => level('ghost'))).status).toBe(404);
  });

  it('answers team membership for members only', async () => {
    github.state.accounts.createTeam('acme', 'maintainers', { alice: 'maintainer' });
    const { data } = await world.bot.rest.teams.getMembershipForUserInOrg({
      org: 'acme',
      team_slug: 'maintainers',
      username: 'alice',
    });
    expect(data).toMatchObject({ role: 'maintainer', state: 'active' });
    const none = await rejection(() =>
      world.bot.rest.teams.getMembershipForUserInOrg({
        org: 'acme',
        team_slug: 'maintainers',
        username: 'mallory',
      }),
    );
    expect(none.status).toBe(404);
  });

  it('lists collaborators across pages', async () => {
    for (let i = 0; i < 5; i += 1) {
      github.state.accounts.createUser(`dev${i}`);
      github.state.repos.addCollaborator(world.repo, `dev${i}`, 'write');
    }
    const all = await world.bot.paginate(world.bot.rest.repos.listCollaborators, { ...WIDGETS, per_page: 3 });
    expect(all.map((user) => user.login)).toEqual([
      'alice',
      'mallory',
      'ops',
      'dev0',
      'dev1',
      'dev2',
      'dev3',
      'dev4',
    ]);
    expect(all[0]?.permissions).toMatchObject({ push: true, admin: false });
  });
});

describe('pull requests', () => {
  it('opens, filters and merges with the head SHA as precondition', async () => {
    const head = github.state.repos.push(world.repo, 'ai/1-pets', github.state.as(world.app));
    const { data: pull } = await world.bot.rest.pulls.create({
      ...WIDGETS,
      title: 'feat(#1): pets',
      head: 'ai/1-pets',
      base: 'main',
    });
    expect(pull.head.sha).toBe(head);
    const dup = await rejection(() =>
      world.bot.rest.pulls.create({ ...WIDGETS, title: 'again', head: 'ai/1-pets', base: 'main' }),
    );
    expect(dup.data.errors).toEqual([
      {
        resource: 'PullRequest',
        code: 'custom',
        message: 'A pull request already exists for acme:ai/1-pets.',
      },
    ]);
    const { data: found } = await world.bot.rest.pulls.list({
      ...WIDGETS,
      head: 'acme:ai/1-pets',
      base: 'main',
    });
    expect(found.map((p) => p.number)).toEqual([pull.number]);
    expect((await world.bot.rest.pulls.list({ ...WIDGETS, head: 'acme:other' })).data).toEqual([]);

    const moved = github.state.repos.push(world.repo, 'ai/1-pets', github.state.as('alice'));
    const stale = await rejection(() =>
      world.bot.rest.pulls.merge({ ...WIDGETS, pull_number: pull.number, sha: head, merge_method: 'squash' }),
    );
    expect([stale.status, stale.data.message]).toEqual([
      409,
      'Head branch was modified. Review and try the merge again.',
    ]);
    const { data: merged } = await world.bot.rest.pulls.merge({
      ...WIDGETS,
      pull_number: pull.number,
      sha: moved,
      merge_method: 'squash',
    });
    expect(merged.merged).toBe(true);
    expect(github.state.repos.branchSha(world.repo, 'main')).toBe(merged.sha);
    const { data: after } = await world.bot.rest.pulls.get({ ...WIDGETS, pull_number: pull.number });
    expect([after.state, after.merged, after.merge_commit_sha]).toEqual(['closed', true, merged.sha]);
    expect(github.state.pulls.get(world.repo, pull.number).pull.mergeCommit?.method).toBe('squash');
  });

  it('answers 405 when the pull request conflicts or the method is disabled', async () => {
    const alice = github.state.as('alice');
    github.state.repos.commitFiles(world.repo, 'feature', alice, { 'a.txt': 'from feature\n' });
    github.state.repos.commitFiles(world.repo, 'main', alice, { 'a.txt': 'from main\n' });
    const { data: pull } = await world.alice.rest.pulls.create({
      ...WIDGETS,
      title: 't',
      head: 'feature',
      base: 'main',
    });
    expect([pull.mergeable, pull.mergeable_state, pull.merge_commit_sha]).toEqual([false, 'dirty', null]);
    const conflict = await rejection(() =>
      world.bot.rest.pulls.merge({ ...WIDGETS, pull_number: pull.number }),
    );
    expect([conflict.status, conflict.data.message]).toEqual([405, 'Pull Request is not mergeable']);
    // The same content on both sides resolves the conflict: git recomputes mergeability on the push.
    github.state.repos.commitFiles(world.repo, 'feature', alice, { 'a.txt': 'from main\n' });
    const { data: resolved } = await world.bot.rest.pulls.get({ ...WIDGETS, pull_number: pull.number });
    expect([resolved.mergeable, resolved.mergeable_state]).toEqual([true, 'clean']);
    world.repo.merge.allowRebaseMerge = false;
    const rebase = await rejection(() =>
      world.bot.rest.pulls.merge({ ...WIDGETS, pull_number: pull.number, merge_method: 'rebase' }),
    );
    expect([rebase.status, rebase.data.message]).toEqual([
      405,
      'Rebase merges are not allowed on this repository.',
    ]);
    expect(
      (await rejection(() => world.mallory.rest.pulls.merge({ ...WIDGETS, pull_number: pull.number })))
        .status,
    ).toBe(403);
  });

  it('lists a pull request whose label has no description', async () => {
    github.state.repos.push(world.repo, 'ai/2-plain', github.state.as(world.app));
    const { data: pull } = await world.bot.rest.pulls.create({
      ...WIDGETS,
      title: 'feat(#2): plain',
      head: 'ai/2-plain',
      base: 'main',
    });
    await world.bot.rest.issues.createLabel({ ...WIDGETS, name: 'no-description' });
    await world.bot.rest.issues.addLabels({
      ...WIDGETS,
      issue_number: pull.number,
      labels: ['no-description'],
    });
    const { data: listed } = await world.bot.rest.pulls.list({ ...WIDGETS, head: 'acme:ai/2-plain' });
    expect(listed[0]?.labels.map((label) => [label.name, label.description])).toEqual([
      ['no-description', ''],
    ]);
  });
});

describe('checks and statuses', () => {
  it('records the owning app of a check run and filters by name', async () => {
    const sha = github.state.repos.branchSha(world.repo, 'main') as string;
    const { data: run } = await world.bot.rest.checks.create({
      ...WIDGETS,
      name: 'ai-orchestrator/release-gate',
      head_sha: sha,
      status: 'in_progress',
    });
    expect(run.app?.id).toBe(world.app.id);
    await world.bot.rest.checks.create({
      ...WIDGETS,
      name: 'ai-orchestrator/review: security',
      head_sha: sha,
    });
    const { data: done } = await world.bot.rest.checks.update({
      ...WIDGETS,
      check_run_id: run.id,
      conclusion: 'success',
      output: { title: 'approved', summary: 'all reviewers passed' },
    });
    expect([done.status, done.conclusion, done.output.summary]).toEqual([
      'completed',
      'success',
      'all reviewers passed',
    ]);
    const { data: listed } = await world.bot.rest.checks.listForRef({
      ...WIDGETS,
      ref: 'main',
      check_name: 'ai-orchestrator/release-gate',
    });
    expect(listed.check_runs.map((r) => [r.id, r.app?.slug])).toEqual([[run.id, 'ai-orchestrator']]);
    expect(
      (
        await rejection(() =>
          world.alice.rest.checks.create({ ...WIDGETS, name: 'fake gate', head_sha: sha }),
        )
      ).status,
    ).toBe(403);
    const unknown = await rejection(() =>
      world.bot.rest.checks.create({ ...WIDGETS, name: 'x', head_sha: 'f'.repeat(40) }),
    );
    expect(unknown.status).toBe(422);
  });

  it('lets only the creating app update its check run', async () => {
    const sha = github.state.repos.branchSha(world.repo, 'main') as string;
    const other = github.state.apps.createApp({ slug: 'impostor', privateKeyPem: world.app.privateKeyPem });
    const otherInstallation = github.state.apps.install(other, 'acme');
    const otherBot = client(
      github.url,
      github.state.apps.createInstallationToken(otherInstallation.id).token,
    );
    const { data: run } = await world.bot.rest.checks.create({ ...WIDGETS, name: 'gate', head_sha: sha });
    const refused = await rejection(() =>
      otherBot.rest.checks.update({ ...WIDGETS, check_run_id: run.id, conclusion: 'success' }),
    );
    expect(refused.status).toBe(403);
  });

  it('combines commit statuses per context', async () => {
    const sha = github.state.repos.branchSha(world.repo, 'main') as string;
    await world.bot.rest.repos.createCommitStatus({ ...WIDGETS, sha, state: 'pending', context: 'ci' });
    await world.bot.rest.repos.createCommitStatus({ ...WIDGETS, sha, state: 'success', context: 'ci' });
    await world.alice.rest.repos.createCommitStatus({ ...WIDGETS, sha, state: 'success', context: 'lint' });
    const { data } = await world.bot.rest.repos.getCombinedStatusForRef({ ...WIDGETS, ref: sha });
    expect([data.state, data.total_count]).toEqual(['success', 2]);
  });
});

describe('actions: dispatch, runs and artifacts', () => {
  it('dispatches with return_run_details, completes the run with an artifact, and downloads it', async () => {
    github.state.actions.addWorkflow(world.repo, {
      path: '.github/workflows/ai-orchestrator.yml',
      name: 'ai-orchestrator',
      inputs: { stage: { required: true }, issue: { required: false }, run_key: { required: true } },
    });
    const inputs = { stage: 'plan', issue: '1', run_key: 'k1' };
    const { status, data } = await world.bot.rest.actions.createWorkflowDispatch({
      ...WIDGETS,
      workflow_id: 'ai-orchestrator.yml',
      ref: 'main',
      inputs,
      return_run_details: true,
    });
    expect(status).toBe(200);
    const runId = (data as unknown as { workflow_run_id: number }).workflow_run_id;
    expect(github.state.actions.run(world.repo, runId).inputs).toEqual(inputs);
    const silent = await world.bot.rest.actions.createWorkflowDispatch({
      ...WIDGETS,
      workflow_id: 'ai-orchestrator.yml',
      ref: 'main',
      inputs,
    });
    expect(silent.status).toBe(204);
    const wrong = await rejection(() =>
      world.bot.rest.actions.createWorkflowDispatch({
        ...WIDGETS,
        workflow_id: 'ai-orchestrator.yml',
        ref: 'main',
        inputs: { ...inputs, extra: 'x' },
      }),
    );
    expect([wrong.status, wrong.data.message]).toEqual([422, 'Unexpected inputs provided: ["extra"]']);

    const result = JSON.stringify({ stage: 'plan', run_key: 'k1', outcome: 'succeeded' });
    github.state.actions.completeRun(world.repo, runId, {
      conclusion: 'success',
      artifacts: { result: { 'result.json': result } },
    });
    const { data: run } = await world.bot.rest.actions.getWorkflowRun({ ...WIDGETS, run_id: runId });
    expect([run.status, run.conclusion, run.event]).toEqual(['completed', 'success', 'workflow_dispatch']);
    const { data: listed } = await world.bot.rest.actions.listWorkflowRunArtifacts({
      ...WIDGETS,
      run_id: runId,
    });
    expect(listed.artifacts.map((a) => a.name)).toEqual(['result']);
    const artifact = listed.artifacts[0]!;
    const download = await world.bot.rest.actions.downloadArtifact({
      ...WIDGETS,
      artifact_id: artifact.id,
      archive_format: 'zip',
    });
    const files = unzipSync(new Uint8Array(download.data as ArrayBuffer));
    expect(strFromU8(files['result.json']!)).toBe(result);
    const redirect = github.requests.filter('actions/download-artifact').at(-1);
    expect(redirect?.status).toBe(302);
  });

  it('lists runs for a workflow, filtered by status', async () => {
    const workflow = github.state.actions.addWorkflow(world.repo, { path: '.github/workflows/ci.yml' });
    const actor = github.state.as(world.app);
    const first = github.state.actions.dispatch(world.repo, workflow.id, actor, 'main');
    github.state.actions.dispatch(world.repo, workflow.id, actor, 'main');
    github.state.actions.completeRun(world.repo, first.id, { conclusion: 'failure' });
    const { data } = await world.bot.rest.actions.listWorkflowRuns({
      ...WIDGETS,
      workflow_id: workflow.id,
      status: 'failure',
    });
    expect(data.workflow_runs.map((run) => run.id)).toEqual([first.id]);
  });
});

describe('repository contents', () => {
  it('serves a file as JSON, as raw text and through its download_url, at a ref', async () => {
    const alice = github.state.as('alice');
    github.state.repos.commitFiles(world.repo, 'main', alice, {
      'docs/a.md': 'A on main',
      'docs/b/c.md': 'C',
    });
    github.state.repos.commitFiles(world.repo, 'ai/2-docs', alice, { 'docs/a.md': 'A on branch' });
    const { data: file } = await world.bot.rest.repos.getContent({ ...WIDGETS, path: 'docs/a.md' });
    if (Array.isArray(file) || file.type !== 'file') throw new Error('expected a file');
    expect(Buffer.from(file.content, 'base64').toString()).toBe('A on main');
    const { data: raw } = await world.bot.rest.repos.getContent({
      ...WIDGETS,
      path: 'docs/a.md',
      ref: 'ai/2-docs',
      mediaType: { format: 'raw' },
    });
    expect(raw).toBe('A on branch');
    expect(await (await fetch(String(file.download_url))).text()).toBe('A on main');
    const { data: listing } = await world.bot.rest.repos.getContent({ ...WIDGETS, path: 'docs' });
    expect(Array.isArray(listing) && listing.map((entry) => [entry.name, entry.type])).toEqual([
      ['a.md', 'file'],
      ['b', 'dir'],
    ]);
    expect(
      (await rejection(() => world.bot.rest.repos.getContent({ ...WIDGETS, path: 'nope.md' }))).status,
    ).toBe(404);
  });

  it("feeds Probot's config loader from the default branch", async () => {
    github.state.repos.commitFiles(world.repo, 'main', github.state.as('ops'), {
      '.github/ai-orchestrator.yml': 'trigger_label: ai:go\n',
    });
    const token = github.state.apps.createInstallationToken(world.installation.id).token;
    const probotOctokit = new ProbotOctokit({
      baseUrl: github.url,
      auth: { token },
      log: quietLog,
      retry: { enabled: false },
      throttle: { enabled: false },
    });
    const { config } = await probotOctokit.config.get({ ...WIDGETS, path: '.github/ai-orchestrator.yml' });
    expect(config).toEqual({ trigger_label: 'ai:go' });
  });
});

describe('GitHub Enterprise layout', () => {
  it('serves the same API under /api/v3 with links under the prefix', async () => {
    const token = github.state.apps.createInstallationToken(world.installation.id).token;
    const ghe = client(github.enterpriseUrl, token);
    const { data } = await ghe.rest.repos.get(WIDGETS);
    expect(data.url).toBe(`${github.enterpriseUrl}/repos/acme/widgets`);
    expect(data.html_url).toBe(`${github.url}/acme/widgets`);
  });
});
