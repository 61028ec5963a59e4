/**
 * What the equivalents of third-party actions reach besides the job: the offline GitHub (its API and git
 * server, and its internal artifact store, which GitHub's own runner service stands for), the repository
 * and the run.
 */
import type { GitHubTestbed, Repository } from '../../github/index.js';

export interface RunServices {
  github: GitHubTestbed;
  repo: Repository;
  runId: number;
  /** Where actions/checkout clones `owner/name` from. */
  gitUrl(owner: string, name: string): string;
}
