/**
 * The state label of an issue or pull request: exactly one of core's STATE_LABELS (or none). Adding a
 * label answers with every label of the issue, so the stale state labels are known without another read.
 */
import { STATE_LABELS } from '../../core/policy.js';
import { PAUSED_LABEL } from '../../core/roles.js';
import type { StateLabel } from '../../core/workflow.js';
import type { GitHubApi } from './api.js';
import { issueTarget } from './api.js';
import { statusOf } from './errors.js';
import type { WriteContext } from './types.js';

const isStateLabel = (name: string): boolean => (STATE_LABELS as readonly string[]).includes(name);

/**
 * Makes `label` the only state label of issue `number` (null: removes every state label). Other labels
 * (the trigger label, people's own) are left alone. Safe to repeat.
 */
export async function setStateLabel(
  api: GitHubApi,
  number: number,
  label: StateLabel | null,
  context: WriteContext,
): Promise<void> {
  const { octokit, repo } = api;
  const target = issueTarget(api, number);
  let present: string[];
  if (label === null) {
    const { data } = await octokit.rest.issues.listLabelsOnIssue({
      owner: repo.owner,
      repo: repo.repo,
      issue_number: number,
      per_page: 100,
    });
    present = data.map((entry) => entry.name);
  } else {
    const { data } = await api.gate.run(
      { action: 'issues.addLabels', target, context, detail: { labels: [label] } },
      () =>
        octokit.rest.issues.addLabels({
          owner: repo.owner,
          repo: repo.repo,
          issue_number: number,
          labels: [label],
        }),
    );
    present = data.map((entry) => entry.name);
  }
  for (const stale of present.filter((name) => isStateLabel(name) && name !== label)) {
    await api.gate.run(
      { action: 'issues.removeLabel', target, context, detail: { label: stale } },
      async () => {
        try {
          await octokit.rest.issues.removeLabel({
            owner: repo.owner,
            repo: repo.repo,
            issue_number: number,
            name: stale,
          });
        } catch (error) {
          // Someone removed it meanwhile: the goal (the label is gone) holds.
          if (statusOf(error) !== 404) throw error;
        }
      },
    );
  }
}

/**
 * Makes the repository label `ai:paused` exist exactly while the repository is paused: the actions run
 * with an installation token and can't read the app's store, so they stop before any write while this
 * label exists. Passes the kill switch (it is the kill switch's own signal). Safe to repeat.
 */
export async function setPausedLabel(api: GitHubApi, paused: boolean, context: WriteContext): Promise<void> {
  const { octokit, repo } = api;
  const target = `${repo.fullName}:label/${PAUSED_LABEL}`;
  await api.gate.run(
    {
      action: paused ? 'issues.createLabel' : 'issues.deleteLabel',
      target,
      context,
      killSwitchExempt: true,
    },
    async () => {
      try {
        if (paused) {
          await octokit.rest.issues.createLabel({
            owner: repo.owner,
            repo: repo.repo,
            name: PAUSED_LABEL,
            color: 'b60205',
            description: 'The AI orchestrator is paused in this repository (/resume ends it)',
          });
        } else {
          await octokit.rest.issues.deleteLabel({ owner: repo.owner, repo: repo.repo, name: PAUSED_LABEL });
        }
      } catch (error) {
        // Already there (422) or already gone (404): the goal holds.
        if (statusOf(error) !== (paused ? 422 : 404)) throw error;
      }
    },
  );
}
