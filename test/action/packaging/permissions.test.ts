import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { isRecord, readYaml, workflowPaths } from './project-files.js';
import { jobsOf, stepsOf, usedAction } from './yaml-walk.js';

type Scopes = Record<string, string>;
interface JobAllowance {
  'github-token': Scopes;
  'app-token'?: Scopes;
}

const allowlist = JSON.parse(
  readFileSync(new URL('./permissions-allowlist.json', import.meta.url), 'utf8'),
) as {
  workflows: Record<string, Record<string, JobAllowance>>;
};

/** A permissions: value as scope → level; `read-all`/`write-all` spelled out so they can't slip through. */
function scopesOf(permissions: unknown): Scopes {
  if (permissions === 'read-all' || permissions === 'write-all') return { '*': permissions.slice(0, -4) };
  if (!isRecord(permissions)) return {};
  return Object.fromEntries(Object.entries(permissions).map(([scope, level]) => [scope, String(level)]));
}

/** What each job of a workflow actually gets. */
function jobAllowances(file: string): Record<string, JobAllowance> {
  const workflow = readYaml(file);
  const topLevel = isRecord(workflow) ? workflow.permissions : undefined;
  const steps = stepsOf(workflow);
  return Object.fromEntries(
    jobsOf(workflow).map(({ id, job }) => {
      const appTokenSteps = steps.filter(
        (located) => located.job === id && usedAction(located.step) === 'actions/create-github-app-token',
      );
      const appScopes = appTokenSteps
        .flatMap(({ step }) => (isRecord(step.with) ? Object.entries(step.with) : []))
        .filter(([key]) => key.startsWith('permission-'))
        .map(([key, level]) => [key.slice('permission-'.length), String(level)]);
      const allowance: JobAllowance = {
        'github-token': scopesOf('permissions' in job ? job.permissions : topLevel),
        ...(appTokenSteps.length > 0 ? { 'app-token': Object.fromEntries(appScopes) } : {}),
      };
      return [id, allowance];
    }),
  );
}

const actual = Object.fromEntries(workflowPaths().map((file) => [file, jobAllowances(file)]));
const example = actual['examples/workflows/ai-orchestrator.yml'] ?? {};
const writes = (scopes: Scopes | undefined) =>
  Object.entries(scopes ?? {})
    .filter(([, level]) => level === 'write')
    .map(([scope]) => scope)
    .sort();

describe('token permissions per job (checklist 34)', () => {
  it('every job of every workflow has exactly its allow-listed scopes, no more and no fewer', () => {
    expect(actual).toEqual(allowlist.workflows);
  });

  it('the GITHUB_TOKEN writes nothing in any job, and no job asks for an OIDC token', () => {
    for (const jobs of Object.values(actual)) {
      for (const allowance of Object.values(jobs)) {
        expect(writes(allowance['github-token'])).toEqual([]);
        expect(allowance['github-token']).not.toHaveProperty('id-token');
        expect(allowance['app-token'] ?? {}).not.toHaveProperty('id-token');
      }
    }
  });

  it('the roles write only what they must, and only through the App token', () => {
    // The planner proposes; the App posts the plan. It gets no App token at all.
    expect(example.plan?.['app-token']).toBeUndefined();
    // The developer pushes its branch and opens its pull request (contents, pull requests), and the stage
    // publishes the head's test results as a check the release gate reads (checks); nothing else.
    expect(writes(example.implement?.['app-token'])).toEqual(['checks', 'contents', 'pull-requests']);
    // Reviewers and the gate publish a check; that is their only write.
    expect(writes(example.review?.['app-token'])).toEqual(['checks']);
    expect(writes(example['release-gate']?.['app-token'])).toEqual(['checks']);
    // Validate reports a check and a comment on the issue.
    expect(writes(example.validate?.['app-token'])).toEqual(['checks', 'issues']);
    // Nothing may change workflow files or administer the repository.
    const forbidden = /^(workflows|administration|secrets|actions)$/;
    for (const allowance of Object.values(example)) {
      expect(Object.keys(allowance['app-token'] ?? {}).filter((scope) => forbidden.test(scope))).toEqual([]);
    }
  });
});
