/**
 * Check runs of a stage (design §3): the reviewer checks, the test results, the release gate, validation.
 * GitHub takes at most 50 annotations per request, so a check with more is completed in several requests
 * (annotations of later updates are appended). GitHub caps `output.summary` and `output.text` at 65,535
 * characters; the caller bounds them (see markdown.ts `bounded`).
 */
import type { GitHubClient } from './client.js';
import type { WriteGuard } from './pause.js';
import type { RepoRef } from './repository.js';

/** GitHub's limit of annotations in one create or update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

export type CheckConclusion = 'success' | 'neutral' | 'failure';

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
}

/** A check run as the stages need it: who owns it (the app) and what it says. */
export interface CheckInfo {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  appId: number | undefined;
  appSlug: string | undefined;
  text: string | null;
  htmlUrl: string | null;
}

type CheckRunData = Awaited<ReturnType<GitHubClient['rest']['checks']['get']>>['data'];

function checkInfo(data: CheckRunData): CheckInfo {
  return {
    id: data.id,
    name: data.name,
    headSha: data.head_sha,
    status: data.status,
    conclusion: data.conclusion,
    appId: data.app?.id,
    appSlug: data.app?.slug,
    text: data.output.text,
    htmlUrl: data.html_url,
  };
}

/**
 * Creates check `name` on `headSha` as in progress, and returns it: its `appId` says which app the token
 * belongs to, which is how a stage learns its own identity without the app's private key.
 */
export async function startCheck(
  github: GitHubClient,
  repo: RepoRef,
  guard: WriteGuard,
  spec: { name: string; headSha: string; title: string; summary: string },
): Promise<CheckInfo> {
  await guard.allow(`create the check ${spec.name} on ${spec.headSha.slice(0, 7)}`);
  const { data } = await github.rest.checks.create({
    owner: repo.owner,
    repo: repo.repo,
    name: spec.name,
    head_sha: spec.headSha,
    status: 'in_progress',
    output: { title: spec.title, summary: spec.summary },
  });
  return checkInfo(data);
}

/**
 * Completes check run `checkId` with `conclusion` and `output`, adding the annotations in batches of
 * {@link ANNOTATIONS_PER_REQUEST}. Each request asks `guard` first.
 */
export async function completeCheck(
  github: GitHubClient,
  repo: RepoRef,
  guard: WriteGuard,
  checkId: number,
  spec: { conclusion: CheckConclusion; output: CheckOutput; annotations?: readonly CheckAnnotation[] },
): Promise<CheckInfo> {
  const annotations = spec.annotations ?? [];
  const batches: CheckAnnotation[][] = [];
  for (let at = 0; at < annotations.length; at += ANNOTATIONS_PER_REQUEST) {
    batches.push(annotations.slice(at, at + ANNOTATIONS_PER_REQUEST));
  }
  await guard.allow(`complete the check run ${checkId} (${spec.conclusion})`);
  const { data } = await github.rest.checks.update({
    owner: repo.owner,
    repo: repo.repo,
    check_run_id: checkId,
    status: 'completed',
    conclusion: spec.conclusion,
    output: { ...spec.output, ...(batches[0] ? { annotations: batches[0] } : {}) },
  });
  for (const batch of batches.slice(1)) {
    await guard.allow(`add ${batch.length} annotations to the check run ${checkId}`);
    await github.rest.checks.update({
      owner: repo.owner,
      repo: repo.repo,
      check_run_id: checkId,
      output: { title: spec.output.title, summary: spec.output.summary, annotations: batch },
    });
  }
  return checkInfo(data);
}

/** Creates check `name` on `headSha` already completed (start, then complete: the same two writes). */
export async function publishCheck(
  github: GitHubClient,
  repo: RepoRef,
  guard: WriteGuard,
  spec: { name: string; headSha: string; conclusion: CheckConclusion; output: CheckOutput },
): Promise<CheckInfo> {
  const started = await startCheck(github, repo, guard, {
    name: spec.name,
    headSha: spec.headSha,
    title: spec.output.title,
    summary: 'Publishing…',
  });
  return completeCheck(github, repo, guard, started.id, { conclusion: spec.conclusion, output: spec.output });
}

/**
 * The newest check run of each name on commit `sha` that app `appId` created and that `wanted` accepts,
 * by name. Runs of other apps are dropped here, after GitHub's own `app_id` filter, because a check with
 * the same name from another app (or a person's workflow) must never count (checklist 21).
 */
export async function latestOwnChecks(
  github: GitHubClient,
  repo: RepoRef,
  sha: string,
  appId: number,
  wanted: (name: string) => boolean,
): Promise<Map<string, CheckInfo>> {
  const runs = await github.paginate(github.rest.checks.listForRef, {
    owner: repo.owner,
    repo: repo.repo,
    ref: sha,
    app_id: appId,
    filter: 'all',
    per_page: 100,
  });
  const latest = new Map<string, CheckInfo>();
  for (const run of runs.map(checkInfo)) {
    if (run.appId !== appId || run.headSha !== sha || !wanted(run.name)) continue;
    const held = latest.get(run.name);
    if (held === undefined || run.id > held.id) latest.set(run.name, run);
  }
  return latest;
}
