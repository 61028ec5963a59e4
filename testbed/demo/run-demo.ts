/**
 * `ai-orchestrator demo`: one issue through the whole lifecycle on this machine. A maintainer files an
 * issue in a sample repository and labels it `ai:implement`; the app plans it; the maintainer approves the
 * plan when it is posted; the developer implements the story (its tests fail once and are fixed); the
 * four reviewers and the release gate judge the pull request; the maintainer approves the merge when the
 * gate is green; the app merges and validates. The human's two comments are the only scripted steps on
 * the GitHub side; everything else is the app, the workflow and the actions doing their work.
 */
import { formatRun } from '../runner/index.js';
import type { RunRecord } from '../runner/index.js';
import { Observer, WaitError, waitFor } from './observe.js';
import type { Snapshot } from './observe.js';
import { renderReport } from './report.js';
import { MAINTAINER, SAMPLE_ISSUE, SAMPLE_REPO } from './sample-repo.js';
import { StatusView } from './status.js';
import { slugifyTranscripts } from './transcripts/slugify.js';
import { describeModel, startWorld } from './world.js';
import type { ModelChoice, SampleRepository, World } from './world.js';

export interface DemoOptions {
  /** Writes text as is (the caller's standard output). */
  write(text: string): void;
  /** Redraw the status table in place (a terminal) instead of printing a timeline. */
  tty: boolean;
  /** Terminal width for the table; default 100. */
  width?: number;
  /** An Anthropic API key: the agents use the live API. Absent: the recorded transcripts. */
  apiKey?: string;
  /** Longest wait for each step of the lifecycle; default 90 s. */
  stepTimeoutMs?: number;
  /** Called with the world once it runs, so the caller can stop it (e.g. on Ctrl-C). */
  onWorld?(world: World): void;
  /**
   * Called once the lifecycle is done and reported, before the world stops, with the issue and the
   * pull requests: the end-to-end test reads what it checks from GitHub and the store here.
   */
  beforeClose?(
    world: World,
    done: { sample: SampleRepository; issue: number; pulls: number[] },
  ): Promise<void>;
}

export interface DemoOutcome {
  ok: boolean;
  /** Why it failed, when it did. */
  problem: string | undefined;
  seconds: number;
}

/** The last lines of each run that did not succeed: what the job logs said. */
function failedRunLogs(runs: readonly RunRecord[], maxLines = 40): string[] {
  return runs
    .filter((run) => run.status === 'completed' && run.conclusion !== 'success')
    .flatMap((run) => {
      const lines = formatRun(run).trimEnd().split('\n');
      return lines.length <= maxLines
        ? lines
        : [lines[0]!, `  … ${lines.length - maxLines} lines not shown`, ...lines.slice(-maxLines + 1)];
    });
}

/** Runs the demo; resolves with its outcome (never rejects for a failure of the lifecycle). */
export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const write = (line = '') => options.write(`${line}\n`);
  const stepTimeoutMs = options.stepTimeoutMs ?? 90_000;
  const model: ModelChoice =
    options.apiKey === undefined || options.apiKey === ''
      ? { kind: 'recorded', transcripts: slugifyTranscripts() }
      : { kind: 'live', apiKey: options.apiKey };

  write('ai-orchestrator demo: one issue from label to merge, on this machine');
  write(describeModel(model));
  write('github: an offline GitHub on 127.0.0.1 (OpenAPI-checked REST, real git over HTTP, signed webhooks)');
  write('app: the conductor (Probot) with an embedded PGlite store in a temporary folder');
  write('actions: examples/workflows/ai-orchestrator.yml and the action.yml files, run by a local runner');
  write();

  let world: World | undefined;
  let problem: string | undefined;
  let last: Snapshot | undefined;
  try {
    world = await startWorld({ model });
    options.onWorld?.(world);
    const { state } = world.github;
    const sample = world.createRepository(SAMPLE_REPO);
    const human = state.as(MAINTAINER);
    const issue = state.issues.create(sample.repo, human, SAMPLE_ISSUE).number;
    write(`${sample.fullName} created (a Node package, tests: npm test); the App is installed on it.`);
    write(`${MAINTAINER} (admin) opened #${issue}: ${SAMPLE_ISSUE.title}`);
    write();

    const observer = new Observer(world, sample, issue);
    const view = new StatusView(
      options.write,
      options.tty,
      `${sample.fullName} #${issue} — ${SAMPLE_ISSUE.title}`,
      options.width ?? 120,
    );
    const step = <T>(what: string, done: (snapshot: Snapshot) => T | undefined) =>
      waitFor(observer, what, done, {
        timeoutMs: stepTimeoutMs,
        onSnapshot: (snapshot) => {
          last = snapshot;
          view.update(snapshot);
        },
      });

    view.note(`${MAINTAINER} labels #${issue} ai:implement`);
    state.issues.addLabels(sample.repo, issue, human, ['ai:implement']);

    const plan = await step('the plan to be posted for approval', (snapshot) =>
      snapshot.epic?.state === 'awaiting_plan_approval' && snapshot.epic.planPosted
        ? snapshot.epic.plan
        : undefined,
    );
    for (const story of plan) {
      const after = story.dependsOn.length === 0 ? '' : ` (after ${story.dependsOn.join(', ')})`;
      view.note(`plan: story ${story.id}: ${story.title}${after}`);
    }
    view.note(`${MAINTAINER} reads the plan and comments /approve on #${issue}`);
    state.comments.create(sample.repo, issue, human, '/approve');

    const stories = await step('the plan to be accepted and its stories to start', (snapshot) =>
      snapshot.stories.length > 0 ? snapshot.stories.map((story) => story.issue) : undefined,
    );
    const pulls: number[] = [];
    for (const storyIssue of stories) {
      const pr = await step(`story #${storyIssue} to pass the release gate`, (snapshot) => {
        const story = snapshot.stories.find((candidate) => candidate.issue === storyIssue);
        return story?.state === 'awaiting_merge_approval' ? story.pr : undefined;
      });
      if (pr === undefined) throw new Error(`story #${storyIssue} waits for approval without a pull request`);
      pulls.push(pr);
      view.note(`${MAINTAINER} sees the release gate green on PR #${pr} and comments /approve`);
      state.comments.create(sample.repo, pr, human, '/approve');
    }
    // Done as people see it: the app's record says so and the issue carries the label.
    await step(
      `the stories to be merged, the default branch validated and #${issue} labelled ai:done`,
      (snapshot) =>
        snapshot.epic?.state === 'done' && state.issues.get(sample.repo, issue).labels.includes('ai:done')
          ? true
          : undefined,
    );
    view.finish();
    write();
    for (const line of await renderReport({ world, sample, issue, pulls })) write(line);
    if (world.model.kind === 'recorded') {
      const { log } = world.model;
      const unplayed = log.unplayed();
      write();
      // Run ids read "<role>: <story>"; the roles say enough here.
      const roles = log.started.map((id) => id.split(':')[0]);
      write(
        `Transcripts: ${log.started.length} agent runs replayed (${roles.join(', ')}); ${unplayed.length === 0 ? 'none left unplayed' : `not played: ${unplayed.join(', ')}`}.`,
      );
    }
    await options.beforeClose?.(world, { sample, issue, pulls });
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
    if (!(error instanceof WaitError) && error instanceof Error && error.stack !== undefined) {
      problem = error.stack;
    }
    write();
    write(`The demo failed: ${problem}`);
    if (world?.model.kind === 'recorded' && world.model.log.divergences.length > 0) {
      write('The transcripts stopped because the run departed from them:');
      for (const divergence of world.model.log.divergences) write(`  - ${divergence}`);
    }
    const logs = failedRunLogs(last?.runs ?? world?.runner.runs() ?? []);
    if (logs.length > 0) {
      write('Runs that did not succeed:');
      for (const line of logs) write(line);
    }
  } finally {
    await world?.close();
  }
  const total = seconds();
  write();
  write(
    problem === undefined
      ? `Done in ${total.toFixed(1)} s (${describeModel(model)}). Temporary folders and servers are gone.`
      : `Stopped after ${total.toFixed(1)} s. Temporary folders and servers are gone.`,
  );
  return { ok: problem === undefined, problem, seconds: total };
}
