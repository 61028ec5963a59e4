/**
 * The offline GitHub's repositories are real git repositories: the real `git` CLI clones, fetches and
 * pushes over HTTP (or clones the bare repository's path), and what it pushes is what the API, the pull
 * requests and the webhooks see. Merges through the API are real commits.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { PullRequestSynchronizeEvent } from '@octokit/webhooks-types';
import { verify } from '@octokit/webhooks-methods';
import { authHeader, push } from '../../action/git/push.js';
import { DEFAULT_APP_PERMISSIONS, startGitHub } from '../../testbed/github/index.js';
import type { GitHubTestbed } from '../../testbed/github/index.js';
import { APP_PRIVATE_KEY, buildWorld, rejection, WIDGETS } from './world.js';
import type { World } from './world.js';

const SECRET = 'git-webhook-secret';

let github: GitHubTestbed;
let world: World;
let receiver: Server;
let received: { headers: IncomingHttpHeaders; body: string }[] = [];
let home: string;
let work: string;
let remote: string;
let botToken: string;

/** What a git command printed, and its exit code (0 when it succeeded). */
interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real git CLI asynchronously (the fake answers on this process's event loop), as an isolated
 * user: no global or system config, no prompts. `token` goes in an auth header, as actions/checkout sends it.
 */
function git(args: string[], options: { cwd?: string; token?: string } = {}): Promise<GitRun> {
  const auth = options.token === undefined ? [] : ['-c', `http.extraheader=${authHeader(options.token)}`];
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-c', 'user.name=Tester', '-c', 'user.email=tester@example.com', ...auth, ...args],
      {
        cwd: options.cwd ?? work,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          LC_ALL: 'C',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_TERMINAL_PROMPT: '0',
        },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
      },
    );
  });
}

/** Runs git and fails the test with its stderr when it does not succeed; returns stdout. */
async function gitOk(args: string[], options: { cwd?: string; token?: string } = {}): Promise<string> {
  const run = await git(args, options);
  if (run.code !== 0) throw new Error(`git ${args.join(' ')} failed (${run.code}): ${run.stderr}`);
  return run.stdout;
}

/** Writes a file in the working clone. */
function write(path: string, content: string): void {
  mkdirSync(dirname(join(work, path)), { recursive: true });
  writeFileSync(join(work, path), content);
}

/** The deliveries received so far as `event.action`. */
function eventNames(): string[] {
  return received.map(
    (delivery) =>
      `${String(delivery.headers['x-github-event'])}.${(JSON.parse(delivery.body) as { action: string }).action}`,
  );
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  github = await startGitHub();
});

afterAll(async () => {
  await github.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(async () => {
  await github.webhooks.settled();
  received = [];
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  world = buildWorld(github, { url, secret: SECRET });
  botToken = github.state.apps.createInstallationToken(world.installation.id).token;
  github.state.repos.commitFiles(world.repo, 'main', github.state.as('ops'), {
    'README.md': '# widgets\n',
    'src/index.ts': 'export const answer = 42;\n',
  });
  home = mkdtempSync(join(tmpdir(), 'git-test-'));
  work = join(home, 'work');
  remote = `${github.url}/acme/widgets.git`;
  await gitOk(['clone', '--quiet', remote, work], { cwd: home });
});

afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('clone, fetch and push over HTTP', () => {
  it('clones anonymously and pushes with an installation token; the API and an open pull request follow', async () => {
    expect(readFileSync(join(work, 'src/index.ts'), 'utf8')).toBe('export const answer = 42;\n');
    github.state.repos.commitFiles(world.repo, 'ai/1-pets', github.state.as(world.app), {
      'src/pets.ts': 'export const pets = [];\n',
    });
    const { data: pull } = await world.bot.rest.pulls.create({
      ...WIDGETS,
      title: 'feat(#1): pets',
      head: 'ai/1-pets',
      base: 'main',
    });
    const before = pull.head.sha;

    await gitOk(['fetch', '--quiet', 'origin']);
    await gitOk(['switch', '--quiet', '-c', 'ai/1-pets', 'origin/ai/1-pets']);
    write('src/pets.ts', 'export const pets = ["cat"];\n');
    await gitOk(['commit', '--quiet', '-am', 'feat: a cat']);
    const head = await gitOk(['rev-parse', 'HEAD']);
    await gitOk(['push', '--quiet', 'origin', 'ai/1-pets'], { token: botToken });

    const { data: branch } = await world.bot.rest.repos.getBranch({ ...WIDGETS, branch: 'ai/1-pets' });
    expect(branch.commit.sha).toBe(head);
    const { data: after } = await world.bot.rest.pulls.get({ ...WIDGETS, pull_number: pull.number });
    expect([after.head.sha, after.mergeable, after.commits, after.changed_files]).toEqual([head, true, 2, 1]);
    // GitHub's pull refs are there to fetch, the test merge being the pull request's merge_commit_sha.
    const refs = await gitOk(['ls-remote', 'origin', `refs/pull/${pull.number}/*`]);
    expect(refs.split('\n').map((line) => line.split('\t'))).toEqual([
      [head, `refs/pull/${pull.number}/head`],
      [after.merge_commit_sha, `refs/pull/${pull.number}/merge`],
    ]);

    await github.webhooks.settled();
    expect(eventNames()).toEqual(['pull_request.opened', 'pull_request.synchronize']);
    const delivery = received[1]!;
    expect(await verify(SECRET, delivery.body, String(delivery.headers['x-hub-signature-256']))).toBe(true);
    const synchronize = JSON.parse(delivery.body) as PullRequestSynchronizeEvent;
    expect([synchronize.before, synchronize.after, synchronize.pull_request.head.sha]).toEqual([
      before,
      head,
      head,
    ]);
    expect(synchronize.sender.login).toBe('ai-orchestrator[bot]');

    const { data: file } = await world.bot.rest.repos.getContent({
      ...WIDGETS,
      path: 'src/pets.ts',
      ref: 'ai/1-pets',
    });
    if (Array.isArray(file) || file.type !== 'file') throw new Error('expected a file');
    expect(Buffer.from(file.content, 'base64').toString()).toBe('export const pets = ["cat"];\n');
    expect(file.sha).toBe(await gitOk(['rev-parse', 'HEAD:src/pets.ts']));
  });

  it('tells concurrent pushers apart: each synchronize names who pushed that branch', async () => {
    const app = github.state.as(world.app);
    const numbers: number[] = [];
    for (const branch of ['one', 'two']) {
      github.state.repos.commitFiles(world.repo, branch, app, { [`${branch}.txt`]: 'start\n' });
      numbers.push(
        github.state.pulls.create(world.repo, app, { title: branch, head: branch, base: 'main' }).pull.number,
      );
    }
    await gitOk(['fetch', '--quiet', 'origin']);
    const second = join(home, 'second');
    await gitOk(['clone', '--quiet', remote, second], { cwd: home });
    const heads: string[] = [];
    for (const [branch, cwd] of [
      ['one', work],
      ['two', second],
    ] as const) {
      await gitOk(['switch', '--quiet', branch], { cwd });
      writeFileSync(join(cwd, `${branch}.txt`), 'changed\n');
      await gitOk(['commit', '--quiet', '-am', `change ${branch}`], { cwd });
      heads.push(await gitOk(['rev-parse', 'HEAD'], { cwd }));
    }
    await Promise.all([
      gitOk(['push', '--quiet', 'origin', 'one'], { token: botToken }),
      gitOk(['push', '--quiet', 'origin', 'two'], {
        cwd: second,
        token: github.state.accounts.createUserToken('alice'),
      }),
    ]);
    await github.webhooks.settled();
    const synchronized = received
      .map((delivery) => JSON.parse(delivery.body) as PullRequestSynchronizeEvent)
      .filter((payload) => payload.action === 'synchronize')
      .map((payload) => [payload.number, payload.after, payload.sender.login])
      .sort();
    expect(synchronized).toEqual([
      [numbers[0], heads[0], 'ai-orchestrator[bot]'],
      [numbers[1], heads[1], 'alice'],
    ]);
  });

  it('reads pushed tags and abbreviated SHAs as refs, and clones the bare repository by its path', async () => {
    write('docs/guide.md', 'v1 guide\n');
    await gitOk(['add', '.']);
    await gitOk(['commit', '--quiet', '-m', 'docs: guide']);
    await gitOk(['tag', 'v1']);
    await gitOk(['push', '--quiet', 'origin', 'HEAD:refs/heads/docs', 'v1'], { token: botToken });
    const short = (await gitOk(['rev-parse', 'HEAD'])).slice(0, 10);
    for (const ref of ['v1', 'tags/v1', short]) {
      const { data } = await world.bot.rest.repos.getContent({
        ...WIDGETS,
        path: 'docs/guide.md',
        ref,
        mediaType: { format: 'raw' },
      });
      expect(data).toBe('v1 guide\n');
    }
    const local = join(home, 'local');
    await gitOk(['clone', '--quiet', github.state.repos.gitDir('acme', 'widgets'), local], { cwd: home });
    expect(await gitOk(['log', '-1', '--format=%s', 'origin/docs'], { cwd: local })).toBe('docs: guide');
  });

  it('follows a symlink to a file, describes a dangling symlink and a submodule, as GitHub does', async () => {
    await gitOk(['switch', '--quiet', '-c', 'links']);
    mkdirSync(join(work, 'links'));
    symlinkSync('../src/index.ts', join(work, 'links/index.ts'));
    symlinkSync('../../nowhere', join(work, 'links/dangling'));
    write('.gitmodules', '[submodule "lib"]\n\tpath = links/lib\n\turl = https://example.com/lib.git\n');
    const pinned = github.state.repos.branchSha(world.repo, 'main')!;
    await gitOk(['add', '.']);
    // A gitlink without a checkout of it: `git add .` would stage its removal, so it goes in last.
    await gitOk(['update-index', '--add', '--cacheinfo', `160000,${pinned},links/lib`]);
    await gitOk(['commit', '--quiet', '-m', 'links']);
    await gitOk(['push', '--quiet', 'origin', 'links'], { token: botToken });
    const get = async (path: string) =>
      (await world.bot.rest.repos.getContent({ ...WIDGETS, path, ref: 'links' })).data;
    expect(await get('links/index.ts')).toMatchObject({ type: 'file', path: 'src/index.ts' });
    expect(await get('links/dangling')).toMatchObject({ type: 'symlink', target: '../../nowhere' });
    expect(await get('links/lib')).toMatchObject({
      type: 'submodule',
      sha: pinned,
      submodule_git_url: 'https://example.com/lib.git',
    });
    const listing = await get('links');
    // GitHub lists a submodule as a file, for backwards compatibility.
    expect(Array.isArray(listing) && listing.map((entry) => `${entry.name}:${entry.type}`)).toEqual([
      'dangling:symlink',
      'index.ts:symlink',
      'lib:file',
    ]);
  });

  it('streams a push larger than git posts in one piece (chunked) and a fetch of it', async () => {
    // Random bytes do not compress: the pack exceeds git's 1 MiB post buffer, so git sends it chunked.
    const big = randomBytes(1536 * 1024).toString('base64');
    await gitOk(['switch', '--quiet', '-c', 'big']);
    write('data/big.txt', big);
    await gitOk(['add', '.']);
    await gitOk(['commit', '--quiet', '-m', 'data: big']);
    await gitOk(['push', '--quiet', 'origin', 'big'], { token: botToken });
    const { data } = await world.bot.rest.repos.getContent({ ...WIDGETS, path: 'data', ref: 'big' });
    expect(Array.isArray(data) && data.map((entry) => [entry.name, entry.size])).toEqual([
      ['big.txt', big.length],
    ]);
    const other = join(home, 'other');
    await gitOk(['clone', '--quiet', '--branch', 'big', remote, other], { cwd: home });
    expect(readFileSync(join(other, 'data/big.txt'), 'utf8')).toBe(big);
  });

  it('serves an upload-pack request whose body is gzip-compressed', async () => {
    const head = github.state.repos.branchSha(world.repo, 'main')!;
    const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
    const body = gzipSync(Buffer.from(`${pkt(`want ${head}\n`)}0000${pkt('done\n')}`));
    const response = await fetch(`${remote}/git-upload-pack`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-git-upload-pack-request',
        'content-encoding': 'gzip',
      },
      body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-git-upload-pack-result');
    const answer = Buffer.from(await response.arrayBuffer());
    expect(answer.subarray(0, 8).toString()).toBe('0008NAK\n');
    expect(answer.subarray(8, 12).toString()).toBe('PACK');
  });
});

describe('refused pushes', () => {
  /** Commits one file on a new branch of the clone, ready to push. */
  async function prepare(branch: string, path = `${branch}.txt`): Promise<void> {
    await gitOk(['switch', '--quiet', '-c', branch]);
    write(path, `${branch}\n`);
    await gitOk(['add', '.']);
    await gitOk(['commit', '--quiet', '-m', branch]);
  }

  /** True when the fake has the branch, through the API or through git. */
  async function exists(branch: string): Promise<boolean> {
    const listed = (await gitOk(['ls-remote', '--heads', 'origin', branch])) !== '';
    const api = await world.bot.rest.repos.getBranch({ ...WIDGETS, branch }).then(
      () => true,
      () => false,
    );
    expect(api).toBe(listed);
    return listed;
  }

  it('refuses a push without a token, with a bad token, or with a token that cannot write the repository', async () => {
    await prepare('anon');
    const anonymous = await git(['push', 'origin', 'anon']);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/could not read Username/);

    // Credentials git itself sends (here from the URL) get GitHub's refusal text back.
    const bad = await git(['push', remote.replace('//', '//x-access-token:ghs_not_a_token@'), 'anon']);
    expect(bad.stderr).toMatch(/remote: Invalid username or token\./);
    expect(bad.stderr).toMatch(/Authentication failed/);

    github.state.accounts.createOrganization('globex');
    const other = github.state.apps.createApp({ slug: 'other-app', privateKeyPem: APP_PRIVATE_KEY });
    const otherToken = github.state.apps.createInstallationToken(
      github.state.apps.install(other, 'globex').id,
    ).token;
    const foreign = await git(['push', 'origin', 'anon'], { token: otherToken });
    expect(foreign.stderr).toMatch(/remote: Permission to acme\/widgets.git denied to other-app\[bot\]\./);
    expect(foreign.stderr).toMatch(/403/);

    const readOnly = github.state.apps.createInstallationToken(world.installation.id, {
      permissions: { contents: 'read' },
    }).token;
    const reader = await git(['push', 'origin', 'anon'], { token: readOnly });
    expect(reader.stderr).toMatch(/denied to ai-orchestrator\[bot\]/);

    const mallory = github.state.accounts.createUserToken('mallory');
    const person = await git(['push', 'origin', 'anon'], { token: mallory });
    expect(person.stderr).toMatch(/denied to mallory/);
    expect(await exists('anon')).toBe(false);

    // The same clone pushes once the token can write: nothing above was a client-side failure.
    await gitOk(['push', '--quiet', 'origin', 'anon'], {
      token: github.state.accounts.createUserToken('alice'),
    });
    expect(await exists('anon')).toBe(true);
  });

  it('refuses workflow changes from an app without the workflows permission, and pushes to the directory', async () => {
    await prepare('ci', '.github/workflows/ci.yml');
    const refused = await git(['push', 'origin', 'ci'], { token: botToken });
    expect(refused.stderr).toMatch(
      /refusing to allow a GitHub App to create or update workflow `\.github\/workflows\/ci\.yml` without `workflows` permission/,
    );
    expect(await exists('ci')).toBe(false);

    const direct = await git(['push', github.state.repos.gitDir('acme', 'widgets'), 'ci']);
    expect(direct.stderr).toMatch(/push to its HTTP URL/);

    const ciApp = github.state.apps.createApp({
      slug: 'ci-app',
      privateKeyPem: APP_PRIVATE_KEY,
      permissions: { ...DEFAULT_APP_PERMISSIONS, workflows: 'write' },
    });
    const ciToken = github.state.apps.createInstallationToken(
      github.state.apps.install(ciApp, 'acme').id,
    ).token;
    await gitOk(['push', '--quiet', 'origin', 'ci'], { token: ciToken });
    expect(await exists('ci')).toBe(true);
  });

  it('refuses deleting the default branch and pushing to refs/pull/*', async () => {
    const head = github.state.repos.branchSha(world.repo, 'main');
    const deletion = await git(['push', 'origin', ':main'], { token: botToken });
    expect(deletion.stderr).toMatch(/deletion of the current branch prohibited/);
    const pullRef = await git(['push', 'origin', 'HEAD:refs/pull/1/head'], { token: botToken });
    expect(pullRef.stderr).toMatch(/deny updating a hidden ref/);
    expect(await gitOk(['ls-remote', 'origin', 'refs/heads/main'])).toBe(`${head}\trefs/heads/main`);
  });

  it('keeps a private repository from anonymous and foreign readers', async () => {
    github.state.repos.create('acme', 'secret', { private: true, files: { 'key.txt': 'k\n' } });
    const url = `${github.url}/acme/secret.git`;
    const anonymous = await git(['ls-remote', url]);
    expect(anonymous.stderr).toMatch(/could not read Username/);
    const mallory = github.state.accounts.createUserToken('mallory');
    const stranger = await git(['ls-remote', url], { token: mallory });
    expect(stranger.stderr).toMatch(/remote: Repository not found\./);
    const listed = await gitOk(['ls-remote', url, 'refs/heads/main'], { token: botToken });
    expect(listed).toMatch(/\trefs\/heads\/main$/);
  });
});

describe('merges are git commits', () => {
  /** Pushes `branch` with one commit per file and opens a pull request; returns its number. */
  async function proposal(branch: string, title: string, files: Record<string, string>): Promise<number> {
    await gitOk(['switch', '--quiet', '-c', branch, 'origin/main']);
    for (const [path, content] of Object.entries(files)) {
      write(path, content);
      await gitOk(['add', '.']);
      await gitOk(['commit', '--quiet', '-m', `add ${path}`]);
    }
    await gitOk(['push', '--quiet', 'origin', branch], { token: botToken });
    const { data } = await world.bot.rest.pulls.create({ ...WIDGETS, title, head: branch, base: 'main' });
    return data.number;
  }

  it('squash-merges into one commit titled after the pull request', async () => {
    const number = await proposal('ai/2-pets', 'feat: pets', { 'src/a.ts': 'a\n', 'src/b.ts': 'b\n' });
    const { data } = await world.bot.rest.pulls.merge({
      ...WIDGETS,
      pull_number: number,
      merge_method: 'squash',
    });
    await gitOk(['fetch', '--quiet', 'origin']);
    expect(await gitOk(['rev-parse', 'origin/main'])).toBe(data.sha);
    expect((await gitOk(['log', '--format=%s|%P', 'origin/main'])).split('\n')).toEqual([
      `feat: pets (#${number})|${await gitOk(['rev-parse', 'origin/main^'])}`,
      expect.stringMatching(/^Update README.md, src\/index.ts\|/),
      expect.stringMatching(/^Initial commit\|$/),
    ]);
    expect(await gitOk(['show', 'origin/main:src/b.ts'])).toBe('b');
    expect(await gitOk(['log', '-1', '--format=%B', 'origin/main'])).toBe(
      `feat: pets (#${number})\n\n* add src/a.ts\n\n* add src/b.ts`,
    );
    expect(await gitOk(['log', '-1', '--format=%an|%cn <%ce>', 'origin/main'])).toBe(
      'ai-orchestrator[bot]|GitHub <noreply@github.com>',
    );
    const { data: pull } = await world.bot.rest.pulls.get({ ...WIDGETS, pull_number: number });
    expect([pull.merged, pull.merge_commit_sha]).toEqual([true, data.sha]);
  });

  it('merge commits have both heads as parents; rebase merges replay the commits with their authors', async () => {
    const merged = await proposal('ai/3-merge', 'feat: merge me', { 'm.txt': 'm\n' });
    const mergeHead = await gitOk(['rev-parse', 'HEAD']);
    const { data: first } = await world.bot.rest.pulls.merge({ ...WIDGETS, pull_number: merged });
    await gitOk(['fetch', '--quiet', 'origin']);
    const parents = (await gitOk(['log', '-1', '--format=%P', first.sha])).split(' ');
    expect(parents[1]).toBe(mergeHead);
    expect(await gitOk(['log', '-1', '--format=%s', first.sha])).toBe(
      `Merge pull request #${merged} from acme/ai/3-merge`,
    );

    const rebased = await proposal('ai/4-rebase', 'feat: rebase me', { 'r1.txt': '1\n', 'r2.txt': '2\n' });
    const { data: second } = await world.bot.rest.pulls.merge({
      ...WIDGETS,
      pull_number: rebased,
      merge_method: 'rebase',
    });
    await gitOk(['fetch', '--quiet', 'origin']);
    expect((await gitOk(['log', '--format=%s|%an|%cn', `${first.sha}..${second.sha}`])).split('\n')).toEqual([
      'add r2.txt|Tester|GitHub',
      'add r1.txt|Tester|GitHub',
    ]);
    expect(await gitOk(['rev-parse', 'origin/main'])).toBe(second.sha);
  });

  it('answers 405 for a pull request that conflicts with its base', async () => {
    const number = await proposal('ai/5-conflict', 'feat: answer', {
      'src/index.ts': 'export const answer = 1;\n',
    });
    github.state.repos.commitFiles(world.repo, 'main', github.state.as('ops'), {
      'src/index.ts': 'export const answer = 2;\n',
    });
    const { data: pull } = await world.bot.rest.pulls.get({ ...WIDGETS, pull_number: number });
    expect([pull.mergeable, pull.merge_commit_sha]).toEqual([false, null]);
    for (const method of ['merge', 'squash', 'rebase'] as const) {
      const refused = await rejection(() =>
        world.bot.rest.pulls.merge({ ...WIDGETS, pull_number: number, merge_method: method }),
      );
      expect([refused.status, refused.data.message]).toEqual([405, 'Pull Request is not mergeable']);
      expect(refused.headers['x-testbed-detail']).toBe('conflicts with main: src/index.ts');
    }
    const refs = await gitOk(['ls-remote', 'origin', `refs/pull/${number}/*`]);
    expect(refs).not.toMatch(/merge$/);
  });
});

describe("action/git's push against the fake", () => {
  it('pushes with a token that reaches git only through the environment', async () => {
    await gitOk(['switch', '--quiet', '-c', 'ai/6-push']);
    write('src/six.ts', 'export const six = 6;\n');
    await gitOk(['add', '.']);
    await gitOk(['commit', '--quiet', '-m', 'feat: six']);
    const head = await gitOk(['rev-parse', 'HEAD']);
    const result = await push({
      cwd: work,
      remoteUrl: remote,
      branch: 'ai/6-push',
      defaultBranch: 'main',
      token: botToken,
    });
    expect(result).toEqual({ branch: 'ai/6-push', sha: head, created: true });
    expect(github.state.repos.branchSha(world.repo, 'ai/6-push')).toBe(head);
    expect(readFileSync(join(work, '.git/config'), 'utf8')).not.toContain(botToken);
    await expect(
      push({ cwd: work, remoteUrl: remote, branch: 'ai/6-push', defaultBranch: 'main' }),
    ).rejects.toThrow(/could not read Username/);
  });
});
