/**
 * A stage's comment on an issue, written once per run: it carries a hidden marker naming the run key, and
 * the issue is searched for that marker before posting, so a step repeated after a crash or a POST retried
 * after a 5xx edits the comment instead of posting a second one.
 */
import type { GitHubClient } from './client.js';
import type { WriteGuard } from './pause.js';
import type { RepoRef } from './repository.js';

/** The marker of a stage's comment for run `runKey`; the key is reduced to characters that can't end the comment. */
export function commentMarker(stage: string, runKey: string): string {
  return `<!-- ai-orchestrator:${stage}:${runKey.replace(/[^A-Za-z0-9:._-]/g, '_')} -->`;
}

/**
 * Posts `body` (with its marker appended) on issue `number`, or edits the comment an earlier attempt of
 * the same run posted. Returns the comment's id.
 */
export async function upsertRunComment(
  github: GitHubClient,
  repo: RepoRef,
  guard: WriteGuard,
  spec: { number: number; marker: string; body: string },
): Promise<number> {
  const text = `${spec.body}\n\n${spec.marker}`;
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner: repo.owner,
    repo: repo.repo,
    issue_number: spec.number,
    per_page: 100,
  });
  const earlier = comments.find((comment) => comment.body?.includes(spec.marker));
  if (earlier !== undefined) {
    await guard.allow(`edit comment ${earlier.id} on #${spec.number}`);
    await github.rest.issues.updateComment({
      owner: repo.owner,
      repo: repo.repo,
      comment_id: earlier.id,
      body: text,
    });
    return earlier.id;
  }
  await guard.allow(`comment on #${spec.number}`);
  try {
    const { data } = await github.rest.issues.createComment({
      owner: repo.owner,
      repo: repo.repo,
      issue_number: spec.number,
      body: text,
      // Not retried blindly: a POST answered with a 5xx may have been stored; the lookup below decides.
      request: { retries: 0 },
    });
    return data.id;
  } catch (error) {
    const stored = (
      await github.paginate(github.rest.issues.listComments, {
        owner: repo.owner,
        repo: repo.repo,
        issue_number: spec.number,
        per_page: 100,
      })
    ).find((comment) => comment.body?.includes(spec.marker));
    if (stored === undefined) throw error;
    return stored.id;
  }
}
