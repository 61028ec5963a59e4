import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { branchName, commitMessage } from '../../../core/branch.js';
import { switchToBranch } from '../../../action/git/branch.js';
import { listFiles, stageAll, stagedDiff } from '../../../action/git/changes.js';
import { commit } from '../../../action/git/commit.js';
import { authHeader, push } from '../../../action/git/push.js';
import { GitError } from '../../../action/git/run-git.js';
import { makeRepos } from './git-repos.js';
import type { Repos } from './git-repos.js';

const bot = { name: 'ai-orchestrator[bot]', email: '12345+ai-orchestrator[bot]@users.noreply.github.com' };

let repos: Repos;
beforeEach(() => {
  repos = makeRepos();
});
afterEach(() => repos.cleanup());

const remoteSha = (branch: string) => repos.git(['rev-parse', `refs/heads/${branch}`], repos.remote).trim();

describe('branch, stage, diff', () => {
  it('creates the story branch, then switches back to it on a revision', async () => {
    const branch = branchName(12, 'Add pet insurance');
    expect(await switchToBranch({ cwd: repos.work, branch, startPoint: 'main' })).toEqual({
      branch,
      created: true,
    });
    expect(repos.git(['branch', '--show-current']).trim()).toBe(branch);
    repos.git(['switch', '-q', 'main']);
    expect(await switchToBranch({ cwd: repos.work, branch })).toEqual({ branch, created: false });
    expect(repos.git(['branch', '--show-current']).trim()).toBe(branch);
  });

  it('refuses branch names git would refuse or read as options', async () => {
    for (const bad of ['-x', 'a b', 'a..b', 'HEAD', '']) {
      await expect(switchToBranch({ cwd: repos.work, branch: bad })).rejects.toThrow(RangeError);
    }
    await expect(
      switchToBranch({ cwd: repos.work, branch: 'ai/1-x', startPoint: '--orphan' }),
    ).rejects.toThrow(RangeError);
  });

  it('stages everything and produces the diff against the base for the guards', async () => {
    await switchToBranch({ cwd: repos.work, branch: 'ai/3-sum', startPoint: 'main' });
    writeFileSync(
      join(repos.work, 'sum.js'),
      'export const sum = (a, b) => a + b;\nexport const twice = (a) => sum(a, a);\n',
    );
    mkdirSync(join(repos.work, 'test'));
    writeFileSync(join(repos.work, 'test', 'sum.test.js'), "import { twice } from '../sum.js';\n");
    rmSync(join(repos.work, 'README.md'));
    await stageAll(repos.work);
    const { text, files } = await stagedDiff({ cwd: repos.work, base: 'main' });
    expect(text).toContain('diff --git a/sum.js b/sum.js');
    expect(files.map((f) => [f.path, f.change])).toEqual([
      ['README.md', 'deleted'],
      ['sum.js', 'modified'],
      ['test/sum.test.js', 'added'],
    ]);
    expect(files[1]?.added).toEqual([{ line: 2, text: 'export const twice = (a) => sum(a, a);' }]);
    expect((await listFiles(repos.work)).sort()).toEqual(['sum.js', 'test/sum.test.js']);
    await expect(stagedDiff({ cwd: repos.work, base: '--output=/tmp/x' })).rejects.toThrow(RangeError);
  });
});

describe('commit', () => {
  it('commits with the conventional message and the given author, verbatim', async () => {
    await switchToBranch({ cwd: repos.work, branch: 'ai/7-double', startPoint: 'main' });
    writeFileSync(join(repos.work, 'double.js'), 'export const double = (a) => a * 2;\n');
    await stageAll(repos.work);
    const message = commitMessage({
      issue: 7,
      type: 'feat',
      summary: 'Add double',
      body: 'Tested with npm test.',
    });
    const { sha } = await commit({ cwd: repos.work, message, author: bot });
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(repos.git(['log', '-1', '--format=%B'])).toBe('feat(#7): add double\n\nTested with npm test.\n\n');
    expect(repos.git(['log', '-1', '--format=%an <%ae>|%cn <%ce>']).trim()).toBe(
      `${bot.name} <${bot.email}>|${bot.name} <${bot.email}>`,
    );
  });

  it('refuses an empty commit, an empty message and a malformed identity', async () => {
    await expect(commit({ cwd: repos.work, message: 'feat(#1): x\n', author: bot })).rejects.toThrow(
      /nothing is staged/,
    );
    writeFileSync(join(repos.work, 'x.js'), 'x\n');
    await stageAll(repos.work);
    await expect(commit({ cwd: repos.work, message: '  \n', author: bot })).rejects.toThrow(
      /message is empty/,
    );
    await expect(
      commit({ cwd: repos.work, message: 'x', author: { name: 'a\nb', email: 'a@b.c' } }),
    ).rejects.toThrow(RangeError);
    await expect(
      commit({ cwd: repos.work, message: 'x', author: { name: 'a', email: 'not an email' } }),
    ).rejects.toThrow(RangeError);
  });

  it('runs no hook the work could have planted', async () => {
    const planted = join(repos.root, 'hook-ran');
    for (const hook of ['pre-commit', 'commit-msg', 'prepare-commit-msg', 'pre-push']) {
      const path = join(repos.work, '.git', 'hooks', hook);
      writeFileSync(path, `#!/bin/sh\ntouch '${planted}'\n`);
      chmodSync(path, 0o755);
    }
    await switchToBranch({ cwd: repos.work, branch: 'ai/8-hooks', startPoint: 'main' });
    writeFileSync(join(repos.work, 'h.js'), 'h\n');
    await stageAll(repos.work);
    await commit({ cwd: repos.work, message: 'feat(#8): hooks\n', author: bot });
    await push({ cwd: repos.work, remoteUrl: repos.remote, branch: 'ai/8-hooks', defaultBranch: 'main' });
    expect(existsSync(planted)).toBe(false);
  });
});

describe('push', () => {
  async function commitChange(branch: string, file: string, message: string) {
    await switchToBranch({ cwd: repos.work, branch, startPoint: 'main' });
    writeFileSync(join(repos.work, file), `${file}\n`);
    await stageAll(repos.work);
    return commit({ cwd: repos.work, message, author: bot });
  }

  it('pushes the branch, then a revision to the same branch as a fast-forward', async () => {
    const branch = 'ai/21-revise';
    const first = await commitChange(branch, 'a.js', 'feat(#21): a\n');
    expect(await push({ cwd: repos.work, remoteUrl: repos.remote, branch, defaultBranch: 'main' })).toEqual({
      branch,
      sha: first.sha,
      created: true,
    });
    expect(remoteSha(branch)).toBe(first.sha);
    const second = await commitChange(branch, 'b.js', 'fix(#21): b\n');
    expect(await push({ cwd: repos.work, remoteUrl: repos.remote, branch, defaultBranch: 'main' })).toEqual({
      branch,
      sha: second.sha,
      created: false,
    });
    expect(remoteSha(branch)).toBe(second.sha);
    expect(repos.git(['rev-list', '--count', `main..refs/heads/${branch}`], repos.remote).trim()).toBe('2');
  });

  it('refuses to force: a diverged remote branch is reported and left as it was', async () => {
    const branch = 'ai/22-diverge';
    await commitChange(branch, 'a.js', 'feat(#22): a\n');
    await push({ cwd: repos.work, remoteUrl: repos.remote, branch, defaultBranch: 'main' });
    const pushed = remoteSha(branch);
    repos.git(['reset', '-q', '--hard', 'main']);
    writeFileSync(join(repos.work, 'other.js'), 'other\n');
    await stageAll(repos.work);
    await commit({ cwd: repos.work, message: 'feat(#22): other\n', author: bot });
    const attempt = push({ cwd: repos.work, remoteUrl: repos.remote, branch, defaultBranch: 'main' });
    await expect(attempt).rejects.toThrow(GitError);
    await expect(attempt).rejects.toThrow(/has commits that this one does not; refusing to force-push/);
    expect(remoteSha(branch)).toBe(pushed);
  });

  it('refuses the default branch, whatever its case, and leaves it untouched', async () => {
    await commitChange('ai/23-x', 'a.js', 'feat(#23): a\n');
    const before = remoteSha('main');
    for (const branch of ['main', 'Main']) {
      await expect(
        push({ cwd: repos.work, remoteUrl: repos.remote, branch, defaultBranch: 'main' }),
      ).rejects.toThrow(/refusing to push to the default branch main/);
    }
    expect(remoteSha('main')).toBe(before);
  });

  it('refuses remote URLs with credentials or exotic transports, and unsafe local config', async () => {
    await commitChange('ai/24-x', 'a.js', 'feat(#24): a\n');
    const base = { cwd: repos.work, branch: 'ai/24-x', defaultBranch: 'main' };
    await expect(
      push({ ...base, remoteUrl: 'https://x-access-token:abc@github.com/o/r.git' }),
    ).rejects.toThrow(/holds credentials/);
    await expect(
      push({ ...base, remoteUrl: `ext::sh -c touch% ${join(repos.root, 'pwned')}` }),
    ).rejects.toThrow(RangeError);
    await expect(push({ ...base, remoteUrl: '--upload-pack=touch' })).rejects.toThrow(RangeError);
    repos.git(['config', `url.file://${join(repos.root, 'evil.git')}.insteadOf`, repos.remote]);
    await expect(push({ ...base, remoteUrl: repos.remote })).rejects.toThrow(
      /url\..*insteadof.*could redirect or observe the push/,
    );
    repos.git(['config', '--unset-all', `url.file://${join(repos.root, 'evil.git')}.insteadOf`]);
    repos.git(['config', 'credential.helper', 'store']);
    await expect(push({ ...base, remoteUrl: repos.remote })).rejects.toThrow(/credential\.helper/);
    expect(existsSync(join(repos.root, 'pwned'))).toBe(false);
  });

  it('keeps the token out of .git/config, the remote URL and every output', async () => {
    const token = 'ghs_CANARY0123456789abcdefghijklmnopqrstu';
    const encoded = Buffer.from(`x-access-token:${token}`).toString('base64');
    const branch = 'ai/25-token';
    await commitChange(branch, 'a.js', 'feat(#25): a\n');
    const result = await push({
      cwd: repos.work,
      remoteUrl: repos.remote,
      branch,
      defaultBranch: 'main',
      token,
    });
    expect(JSON.stringify(result)).not.toContain(token);
    const config = readFileSync(join(repos.work, '.git', 'config'), 'utf8');
    expect(config).not.toContain(token);
    expect(config).not.toContain(encoded);
    expect(config.toLowerCase()).not.toContain('extraheader');
    expect(repos.git(['remote'])).toBe('');
  });

  it('sends the token only as the auth header over http, and redacts it from the failure', async () => {
    const token = 'ghs_CANARYabcdefghijklmnopqrstuvwxyz012345';
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end(`denied ${token}\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await commitChange('ai/26-http', 'a.js', 'feat(#26): a\n');
      const failure = await push({
        cwd: repos.work,
        remoteUrl: `http://127.0.0.1:${port}/o/r.git`,
        branch: 'ai/26-http',
        defaultBranch: 'main',
        token,
      }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(GitError);
      const text = `${(failure as GitError).message}\n${(failure as GitError).stderr}\n${(failure as GitError).stdout}`;
      expect(text).not.toContain(token);
      expect(text).not.toContain(Buffer.from(`x-access-token:${token}`).toString('base64'));
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0]).toBe(authHeader(token).replace(/^AUTHORIZATION: /, ''));
      expect(readFileSync(join(repos.work, '.git', 'config'), 'utf8')).not.toContain(token);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('checklist 22: shell metacharacters in branch names and messages are data', () => {
  const canary = join(tmpdir(), `pwned-${process.pid}-${Date.now()}`);
  afterEach(() => rmSync(canary, { force: true }));

  it('passes hostile but valid branch names and a hostile message verbatim, and runs nothing', async () => {
    const names = [
      `ai/1-$(touch\${IFS}${canary})`,
      `ai/2-\`touch\${IFS}${canary}\``,
      `ai/3-a";touch\${IFS}${canary};"`,
      `ai/4-zzz";echo\${IFS}"hello";#`,
    ];
    const message = [
      `feat(#1): a"; touch ${canary}"`,
      '',
      `$(touch ${canary})`,
      `\`touch ${canary}\``,
      `zzz";echo\${IFS}"hello";#`,
      'EOF',
      `'; touch ${canary}; '`,
      '',
    ].join('\n');
    for (const [index, branch] of names.entries()) {
      await switchToBranch({ cwd: repos.work, branch, startPoint: 'main' });
      writeFileSync(join(repos.work, `f${index}.js`), `${index}\n`);
      await stageAll(repos.work);
      const { sha } = await commit({ cwd: repos.work, message, author: bot });
      expect(repos.git(['log', '-1', '--format=%B', sha])).toBe(`${message}\n`);
      await push({ cwd: repos.work, remoteUrl: repos.remote, branch, defaultBranch: 'main' });
      expect(remoteSha(branch)).toBe(sha);
    }
    const remoteBranches = repos
      .git(['for-each-ref', '--format=%(refname:short)', 'refs/heads/'], repos.remote)
      .split('\n');
    for (const branch of names) expect(remoteBranches).toContain(branch);
    expect(existsSync(canary)).toBe(false);
  });

  it('refuses names that are not valid refs instead of running them', async () => {
    for (const branch of [`a"; touch ${canary}"`, `$(touch ${canary})`]) {
      await expect(switchToBranch({ cwd: repos.work, branch })).rejects.toThrow(RangeError);
      await expect(
        push({ cwd: repos.work, remoteUrl: repos.remote, branch, defaultBranch: 'main' }),
      ).rejects.toThrow(RangeError);
    }
    expect(existsSync(canary)).toBe(false);
  });
});
