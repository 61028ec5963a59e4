/**
 * The world of the stage tests: the offline GitHub with organization `acme`, the orchestrator's app
 * installed on it, and repository `acme/calc` holding a fixture of test/fixtures/repos as its first commit
 * (a real git repository the fake serves over HTTP, as GitHub does); a clone of it as the stage's
 * checkout, which the stage fetches from and pushes to with the app's token.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Octokit } from '@octokit/rest';
import { createModelClient } from '../../../../action/agent/client.js';
import { AI_GENERATED_LABEL } from '../../../../core/roles.js';
import { createGitHubClient } from '../../../../action/github/client.js';
import type { StageInputs } from '../../../../action/stages/run-stage.js';
import type { StageDeps } from '../../../../action/stages/types.js';
import type { AnthropicFake } from '../../../../testbed/anthropic/server.js';
import type { App, GitHubTestbed, Issue, Repository } from '../../../../testbed/github/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PROJECT_ROOT = path.resolve(HERE, '../../../..');
export const PROMPTS_DIR = path.join(PROJECT_ROOT, 'prompts');
export const FIXTURES = path.join(PROJECT_ROOT, 'test/fixtures/repos');

/** Fake secrets put in the stage's environment; none may reach a command the agents run, or GitHub. */
export const CANARIES = {
  CANARY_DEPLOY_TOKEN: 'CANARY_deploy_4f2a9c',
  ANTHROPIC_API_KEY: 'CANARY_model_key_7d1e',
  AWS_SECRET_ACCESS_KEY: 'CANARY_aws_0b3c5d',
} as const;

export interface World {
  root: string;
  /** The stage's checkout (a clone of the repository). */
  work: string;
  /** The repository's clone URL on the offline GitHub. */
  remote: string;
  repo: Repository;
  app: App;
  /** The app's installation token. */
  token: string;
  /** An Octokit acting as the app, for assertions. */
  bot: Octokit;
  github: GitHubTestbed;
  /**
   * Runs git in `cwd` (default: the checkout) as a test person; resolves its stdout. Asynchronous: the
   * offline GitHub answers git's HTTP requests from this same process.
   */
  git(args: string[], cwd?: string): Promise<string>;
  /** Opens an issue as alice. */
  issue(title: string, body: string): Issue;
  /** Pushes HEAD of the checkout to `branch` as alice (a person with write access), over HTTP. */
  pushAsAlice(branch: string): Promise<void>;
  cleanup(): void;
}

const run = promisify(execFile);

/** Every file of a fixture folder, by repository-relative path. */
function fixtureFiles(fixture: string): Record<string, string> {
  const folder = path.join(FIXTURES, fixture);
  const files: Record<string, string> = {};
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(folder, file).split(path.sep).join('/')] = readFileSync(file, 'utf8');
  }
  return files;
}

/** The header git sends a token in, as GitHub takes it. */
const authHeader = (token: string) =>
  `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;

/**
 * Builds the world from fixture `fixture` (a folder of test/fixtures/repos). `privateKeyPem` saves
 * generating an RSA key per test.
 */
export async function buildWorld(
  github: GitHubTestbed,
  fixture: string,
  privateKeyPem: string,
): Promise<World> {
  github.reset();
  const { state } = github;
  state.accounts.createOrganization('acme');
  state.accounts.createUser('alice');
  const repo = state.repos.create('acme', 'calc', { files: fixtureFiles(fixture) });
  state.repos.addCollaborator(repo, 'alice', 'write');
  // The app creates its label with a description when it is installed. (The testbed checks answers
  // against GitHub's description, where a label in a pull request list must have a string description.)
  state.issues.createLabel(repo, {
    name: AI_GENERATED_LABEL,
    color: '5319e7',
    description: 'Made by the AI orchestrator',
  });
  const app = state.apps.createApp({ slug: 'ai-orchestrator', privateKeyPem });
  const installation = state.apps.install(app, 'acme');
  const token = state.apps.createInstallationToken(installation.id).token;
  const bot = new Octokit({ baseUrl: github.url, auth: token, request: { retries: 0 } });
  const aliceToken = state.accounts.createUserToken('alice');

  const root = mkdtempSync(path.join(tmpdir(), 'stage-test-'));
  const work = path.join(root, 'work');
  const remote = `${github.url}/acme/calc.git`;
  const git = async (args: string[], cwd = work) =>
    (
      await run('git', ['-c', 'user.name=Alice', '-c', 'user.email=alice@example.com', ...args], {
        cwd,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: root, GIT_CONFIG_NOSYSTEM: '1' },
      })
    ).stdout;
  await git(['clone', '-q', remote, work], root);

  return {
    root,
    work,
    remote,
    repo,
    app,
    token,
    bot,
    github,
    git,
    issue: (title, body) => state.issues.create(repo, state.as('alice'), { title, body }),
    pushAsAlice: async (branch) => {
      await git([
        '-c',
        `http.extraheader=${authHeader(aliceToken)}`,
        'push',
        '-q',
        remote,
        `HEAD:refs/heads/${branch}`,
      ]);
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** What a test inspects of the dependencies after a stage ran. */
export interface TestDeps extends StageDeps {
  lines: string[];
  sleeps: number[];
}

/** The stage's dependencies: the app's client on the offline GitHub, the model on the fake, canaries in the env. */
export function stageDeps(world: World, fake: AnthropicFake): TestDeps {
  const lines: string[] = [];
  const sleeps: number[] = [];
  return {
    github: createGitHubClient({ token: world.token, baseUrl: world.github.url, retries: 0 }),
    model: () => createModelClient({ ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: fake.url }),
    env: { ...process.env, ...CANARIES, GITHUB_TOKEN: world.token },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    now: () => Date.parse('2030-01-01T00:00:00Z'),
    log: (line) => void lines.push(line),
    lines,
    sleeps,
  };
}

/** The inputs of a stage run on the world's checkout. */
export function stageInputs(world: World, overrides: Partial<StageInputs> & { issue: number }): StageInputs {
  return {
    repository: { owner: 'acme', repo: 'calc' },
    runKey: 'run-1',
    workspace: world.work,
    promptsDir: PROMPTS_DIR,
    context: {},
    remoteUrl: world.remote,
    gitToken: world.token,
    ...overrides,
  };
}
