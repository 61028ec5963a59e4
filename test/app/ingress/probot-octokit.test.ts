import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Probot } from 'probot';
import { boundedProbotOctokit } from '../../../app/probot.js';
import { primaryRateLimit } from '../../../testbed/github/index.js';
import type { App, GitHubTestbed } from '../../../testbed/github/index.js';
import { githubWithApp } from './harness.js';

let github: GitHubTestbed;
let app: App;
let privateKey: string;

beforeAll(async () => {
  ({ github, app, privateKey } = await githubWithApp());
});

afterAll(async () => {
  await github?.close();
});

describe("the app's Octokit", () => {
  it('gives up on a primary rate limit that resets in an hour instead of waiting for it', async () => {
    github.state.accounts.createOrganization('acme');
    const repo = github.state.repos.create('acme', 'limits', {});
    const installation = github.state.apps.install(app, 'acme');
    const probot = new Probot({
      appId: app.id,
      privateKey,
      secret: 'unused',
      baseUrl: github.url,
      Octokit: boundedProbotOctokit(),
      logLevel: 'silent' as never,
    });
    const octokit = await probot.auth(installation.id);
    github.inject({
      route: 'repos/get',
      times: 5,
      ...primaryRateLimit({ resetAt: new Date(Date.now() + 3_600_000) }),
    });
    const started = Date.now();
    await expect(octokit.rest.repos.get({ owner: 'acme', repo: repo.name })).rejects.toMatchObject({
      status: 403,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(github.requests.all().filter((request) => request.operationId === 'repos/get')).toHaveLength(1);
  });
});
