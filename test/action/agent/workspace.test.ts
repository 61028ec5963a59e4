import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ToolError } from '../../../action/agent/tool-error.js';
import {
  normalisePath,
  openWorkspace,
  resolveForRead,
  resolveForWrite,
} from '../../../action/agent/workspace.js';
import type { Workspace } from '../../../action/agent/workspace.js';

let base: string;
let root: string;
let workspace: Workspace;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'workspace-test-'));
  root = path.join(base, 'repo');
  await mkdir(path.join(root, 'src'), { recursive: true });
  await mkdir(path.join(root, '.git'), { recursive: true });
  await mkdir(path.join(root, '.github/workflows'), { recursive: true });
  await writeFile(path.join(root, 'src/a.ts'), 'a');
  await writeFile(path.join(root, '.git/config'), '[credential]');
  await writeFile(path.join(base, 'outside.txt'), 'secret');
  await symlink(path.join(base, 'outside.txt'), path.join(root, 'src/link-out'));
  await symlink(base, path.join(root, 'src/dir-out'));
  await symlink(path.join(root, '.github'), path.join(root, 'docs-link'));
  await symlink(path.join(root, '.git'), path.join(root, 'git-link'));
  await symlink(path.join(root, 'src/a.ts'), path.join(root, 'src/link-in'));
  workspace = await openWorkspace(root, ['.github/**', '**/.env']);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** The refusal a promise or call ends with, as `kind: message`. */
async function refusal(action: () => unknown): Promise<string> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ToolError) return `${error.kind}: ${error.message}`;
    throw error;
  }
  throw new Error('expected a ToolError');
}

describe('normalisePath', () => {
  it('canonicalises relative paths', () => {
    expect(normalisePath('./src//a.ts')).toBe('src/a.ts');
    expect(normalisePath('.')).toBe('');
    expect(normalisePath('src/./b/')).toBe('src/b');
  });

  it('refuses absolute paths, .., backslashes, NUL and .git', async () => {
    expect(await refusal(() => normalisePath('/etc/passwd'))).toBe(
      'refused: "/etc/passwd" is absolute; give a path relative to the repository root',
    );
    expect(await refusal(() => normalisePath('C:/x'))).toMatch(/^refused: "C:\/x" is absolute/);
    expect(await refusal(() => normalisePath('src/../../x'))).toBe(
      'refused: "src/../../x" leaves the repository: ".." is not allowed in paths',
    );
    expect(await refusal(() => normalisePath('src\\a.ts'))).toBe(
      'refused: use "/" to separate folders: "src\\a.ts"',
    );
    expect(await refusal(() => normalisePath('a\u0000b'))).toBe('refused: the path contains a NUL character');
    expect(await refusal(() => normalisePath('sub/.git/hooks/pre-commit'))).toBe(
      'refused: "sub/.git/hooks/pre-commit" is inside .git, which no tool may touch',
    );
  });
});

describe('resolveForRead', () => {
  it('resolves files inside the root, links inside the root included', async () => {
    expect((await resolveForRead(workspace, 'src/a.ts')).relative).toBe('src/a.ts');
    expect((await resolveForRead(workspace, 'src/link-in')).absolute).toBe(
      path.join(workspace.realRoot, 'src/a.ts'),
    );
  });

  it('refuses a symbolic link that leads outside the root, or into .git', async () => {
    expect(await refusal(() => resolveForRead(workspace, 'src/link-out'))).toBe(
      'refused: "src/link-out" resolves outside the repository (through a symbolic link)',
    );
    expect(await refusal(() => resolveForRead(workspace, 'src/dir-out/outside.txt'))).toMatch(
      /resolves outside/,
    );
    expect(await refusal(() => resolveForRead(workspace, 'git-link/config'))).toBe(
      'refused: "git-link/config" resolves inside .git, which no tool may touch',
    );
  });

  it('reports a missing file as a failure, not a refusal', async () => {
    expect(await refusal(() => resolveForRead(workspace, 'src/none.ts'))).toBe(
      'failed: "src/none.ts" does not exist',
    );
  });
});

describe('resolveForWrite', () => {
  it('allows new files in new folders', async () => {
    const resolved = await resolveForWrite(workspace, 'src/new/deep/b.ts');
    expect(resolved).toEqual({
      relative: 'src/new/deep/b.ts',
      absolute: path.join(workspace.realRoot, 'src/new/deep/b.ts'),
    });
  });

  it('refuses protected paths, as named and through a linked folder', async () => {
    expect(await refusal(() => resolveForWrite(workspace, '.github/workflows/ci.yml'))).toBe(
      'refused: ".github/workflows/ci.yml" is a protected path (policy protected_paths): agents may not change it; say so in your report instead',
    );
    expect(await refusal(() => resolveForWrite(workspace, 'config/.env'))).toMatch(
      /"config\/.env" is a protected path/,
    );
    expect(await refusal(() => resolveForWrite(workspace, 'docs-link/workflows/x.yml'))).toMatch(
      /^refused: ".github\/workflows\/x.yml" is a protected path/,
    );
  });

  it('refuses writing through a symbolic link, out of the root, into .git and to the root itself', async () => {
    expect(await refusal(() => resolveForWrite(workspace, 'src/link-in'))).toBe(
      'refused: "src/link-in" is a symbolic link; it is not written through',
    );
    expect(await refusal(() => resolveForWrite(workspace, 'src/dir-out/new.txt'))).toMatch(
      /resolves outside the repository/,
    );
    expect(await refusal(() => resolveForWrite(workspace, 'git-link/hooks/pre-commit'))).toMatch(
      /resolves inside .git/,
    );
    expect(await refusal(() => resolveForWrite(workspace, '.'))).toBe(
      'refused: give a file path, not the repository root',
    );
    expect(await refusal(() => resolveForWrite(workspace, 'src'))).toBe(
      'failed: "src" is a folder, not a file',
    );
  });
});

describe('openWorkspace', () => {
  it('needs an absolute root', async () => {
    await expect(openWorkspace('relative/root', [])).rejects.toThrow(
      'workspace root must be an absolute path',
    );
  });

  it('protects nothing when the policy lists nothing', async () => {
    const open = await openWorkspace(root, []);
    expect(open.isProtected('.github/workflows/ci.yml')).toBe(false);
  });
});
