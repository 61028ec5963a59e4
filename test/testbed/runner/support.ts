/**
 * What the runner tests share: an offline GitHub with acme/widgets and the orchestrator app installed,
 * fixture files written to a temporary folder, and helpers to look into a run's record.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { GitHubTestbed } from '../../../testbed/github/index.js';
import type { JobRecord, RunRecord, StepRecord } from '../../../testbed/runner/index.js';
import { formatRun } from '../../../testbed/runner/index.js';
import { buildWorld } from '../world.js';
import type { World } from '../world.js';

export { APP_PRIVATE_KEY } from '../world.js';

/** A fresh temporary folder. */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `runner-test-${prefix}-`));
}

/** Writes `files` (relative path → text) under `root`. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

/** The world of the GitHub testbed tests, with a README on acme/widgets' default branch. */
export function world(github: GitHubTestbed): World {
  const built = buildWorld(github);
  github.state.repos.commitFiles(built.repo, 'main', github.state.as('alice'), {
    'README.md': '# widgets\n',
  });
  return built;
}

/** The jobs of a run as `name: result`, sorted, for comparisons that do not depend on timing. */
export function jobResults(run: RunRecord): string[] {
  return run.jobs.map((job) => `${job.name}: ${job.result}`).sort();
}

/** The job named `name`; fails the test (with the whole run's log) when there is none. */
export function job(run: RunRecord, name: string): JobRecord {
  const found = run.jobs.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no job ${name} in\n${formatRun(run)}`);
  return found;
}

/** The step with this id (searched through composite actions too). */
export function step(of: JobRecord | StepRecord, id: string): StepRecord {
  const search = (steps: StepRecord[]): StepRecord | undefined => {
    for (const candidate of steps) {
      if (candidate.id === id) return candidate;
      const inner = search(candidate.steps);
      if (inner !== undefined) return inner;
    }
    return undefined;
  };
  const found = search(of.steps);
  if (found === undefined) throw new Error(`no step ${id} in ${of.name}`);
  return found;
}
