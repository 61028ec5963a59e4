/**
 * The end-to-end bed: one world per test file (testbed/demo/world.ts, the same one `ai-orchestrator demo`
 * runs: the offline GitHub, the app on PGlite in a temporary folder, the local runner executing the
 * example workflow and our actions, the model played from transcripts), and a `Scenario` per repository
 * with what a person does (open, label, comment) and what a test waits for.
 *
 * Nothing here drives the app directly: people act on the offline GitHub, webhooks reach the app over
 * HTTP, the app dispatches the workflow, the runner runs it, and the tests observe the results on GitHub
 * and in the app's store, with a timeout on every wait.
 */
import { expect } from '@jest/globals';
import type { AuditEntry } from '../../app/store/index.js';
import { RELEASE_GATE_CHECK } from '../../core/roles.js';
import type { Delivery } from '../../testbed/github/index.js';
import { Observer, waitFor } from '../../testbed/demo/observe.js';
import type { Snapshot, StoryView, WaitOptions } from '../../testbed/demo/observe.js';
import type { Transcript } from '../../testbed/demo/player.js';
import { MAINTAINER } from '../../testbed/demo/sample-repo.js';
import { startWorld } from '../../testbed/demo/world.js';
import type { RepositoryOptions, SampleRepository, World } from '../../testbed/demo/world.js';
import { formatRun } from '../../testbed/runner/index.js';

export { MAINTAINER };

/** A whole lifecycle on this machine takes tens of seconds; a test that waits for several gets this. */
export const LIFECYCLE_TIMEOUT_MS = 240_000;

/** People of every e2e world besides the maintainer (admin): a writer and a reader. */
export const PEOPLE = { alice: 'write', mallory: 'read' } as const;

/** Starts a world whose model plays `transcripts`. */
export async function startE2E(transcripts: readonly Transcript[]): Promise<World> {
  return startWorld({ model: { kind: 'recorded', transcripts }, people: PEOPLE });
}

/** The transcripts the world's model has not played, and why it stopped any conversation. */
export function playerReport(world: World): { unplayed: string[]; divergences: string[] } {
  if (world.model.kind !== 'recorded') throw new Error('the e2e worlds play transcripts');
  return { unplayed: world.model.log.unplayed(), divergences: world.model.log.divergences };
}

/** Waits until the app has taken every delivery sent so far and has nothing left to do for them. */
export async function quiet(world: World): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await world.github.webhooks.settled();
    await world.app.queue.idle();
    // Effects are carried out after the delivery is acknowledged; give them a moment, then look again.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** One repository of the world and the issue a person filed in it. */
export class Scenario {
  readonly sample: SampleRepository;

  constructor(
    readonly world: World,
    name: string,
    options: RepositoryOptions = {},
  ) {
    this.sample = world.createRepository(name, options);
  }

  get state() {
    return this.world.github.state;
  }

  get repo() {
    return this.sample.repo;
  }

  /** Opens an issue as `login`; returns its number. */
  openIssue(issue: { title: string; body: string }, login: string = MAINTAINER): number {
    return this.state.issues.create(this.repo, this.state.as(login), issue).number;
  }

  /** Labels an issue `ai:implement` (or `label`) as `login`. */
  label(issue: number, login: string = MAINTAINER, label = 'ai:implement'): void {
    this.state.issues.addLabels(this.repo, issue, this.state.as(login), [label]);
  }

  /** Comments on an issue or pull request as `login`; returns the comment's id. */
  comment(issue: number, body: string, login: string = MAINTAINER): number {
    return this.state.comments.create(this.repo, issue, this.state.as(login), body).id;
  }

  /** The comments on an issue or pull request, oldest first. */
  comments(issue: number): { id: number; login: string; body: string }[] {
    return this.state.comments
      .list(this.repo, issue)
      .map((comment) => ({ id: comment.id, login: comment.user.login, body: comment.body }));
  }

  /** Waits for a comment by `login` on `issue` whose body passes `test`; resolves with its body. */
  async commentBy(
    issue: number,
    login: string,
    test: (body: string) => boolean,
    what: string,
  ): Promise<string> {
    return this.until(
      issue,
      what,
      () => this.comments(issue).find((comment) => comment.login === login && test(comment.body))?.body,
      { failWhenStuck: false },
    );
  }

  /** Waits until `issue` carries `label` (labels follow the state a moment after it changes). */
  async labelled(issue: number, label: string): Promise<void> {
    await this.until(
      issue,
      `#${issue} to be labelled ${label}`,
      () => this.labels(issue).includes(label) || undefined,
      {
        failWhenStuck: false,
      },
    );
  }

  /** The labels of an issue or pull request. */
  labels(issue: number): string[] {
    return [...this.state.issues.get(this.repo, issue).labels];
  }

  observer(issue: number): Observer {
    return new Observer(this.world, this.sample, issue);
  }

  /** Waits for `done` on the issue's snapshots (failing early when work is stuck, unless told not to). */
  async until<T>(
    issue: number,
    what: string,
    done: (snapshot: Snapshot) => T | undefined,
    options: WaitOptions = {},
  ): Promise<T> {
    try {
      return await waitFor(this.observer(issue), what, done, { timeoutMs: 120_000, ...options });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.failedRuns()}`, { cause: error });
    }
  }

  /** Waits for the epic of `issue` to reach `state`. */
  epicState(issue: number, state: string, options: WaitOptions = {}): Promise<Snapshot> {
    return this.until(
      issue,
      `issue #${issue} to be ${state}`,
      (snapshot) => (snapshot.epic?.state === state ? snapshot : undefined),
      options,
    );
  }

  /** Waits for the plan of `issue` to be posted and waiting for approval; resolves with its stories. */
  planPosted(issue: number, options: WaitOptions = {}) {
    return this.until(
      issue,
      `the plan of #${issue} to be posted`,
      (snapshot) =>
        snapshot.epic?.state === 'awaiting_plan_approval' && snapshot.epic.planPosted
          ? snapshot.epic.plan
          : undefined,
      options,
    );
  }

  /** Waits for story `id` of `issue` to reach `state`; resolves with its view. */
  storyState(issue: number, id: string, state: string, options: WaitOptions = {}): Promise<StoryView> {
    return this.until(
      issue,
      `story ${id} of #${issue} to be ${state}`,
      (snapshot) => snapshot.stories.find((story) => story.id === id && story.state === state),
      options,
    );
  }

  /** The runs of this repository's workflow, oldest first, with their stage and story. */
  runs(): { id: number; stage: string; story: string; conclusion: string | null }[] {
    return this.world.runner
      .runs()
      .filter((run) => run.repository === this.sample.fullName)
      .map((run) => ({
        id: run.id,
        stage: run.inputs.stage ?? '',
        story: run.inputs.story ?? '',
        conclusion: run.conclusion,
      }));
  }

  /** The logs of the runs that did not succeed, for a failing test's message. */
  failedRuns(): string {
    return this.world.runner
      .runs()
      .filter((run) => run.repository === this.sample.fullName && run.conclusion !== 'success')
      .map(formatRun)
      .join('\n');
  }

  /** The app's audit log of this repository, oldest first. */
  async audit(): Promise<AuditEntry[]> {
    return (
      await this.world.app.store.audit.list({ repository: this.sample.fullName, limit: 10_000 })
    ).reverse();
  }

  /** The workflow dispatches GitHub accepted for this repository. */
  dispatches(): { stage: string; story: string }[] {
    return this.world.github.requests
      .filter(
        (request) =>
          request.operationId === 'actions/create-workflow-dispatch' &&
          request.path.startsWith(`/repos/${this.sample.fullName}/`) &&
          request.status < 300,
      )
      .map((request) => {
        const inputs = (request.body as { inputs?: Record<string, string> }).inputs ?? {};
        return { stage: inputs.stage ?? '', story: inputs.story ?? '' };
      });
  }

  /** The release-gate check runs on `sha` made by the orchestrator's App. */
  gateChecks(sha: string) {
    return this.state.checks
      .listForRef(this.repo, sha)
      .filter((check) => check.name === RELEASE_GATE_CHECK && check.appId === this.world.ghApp.id);
  }

  /** Deliveries of this repository, oldest first. */
  deliveries(event?: string): Delivery[] {
    return this.world.github.webhooks
      .deliveries(event)
      .filter((delivery) => delivery.body.includes(`"full_name":"${this.sample.fullName}"`));
  }

  /** A human approves the pull request of story `id` once the gate is green; returns its number. */
  async approveWhenGreen(issue: number, id: string, login: string = MAINTAINER): Promise<number> {
    const story = await this.storyState(issue, id, 'awaiting_merge_approval');
    if (story.pr === undefined) throw new Error(`story ${id} waits for approval without a pull request`);
    this.comment(story.pr, '/approve', login);
    return story.pr;
  }
}

/** No delivery to the app failed, and the model never had to leave its transcripts. */
export function expectNoFailures(scenario: Scenario): void {
  const failed = scenario.deliveries().filter((delivery) => delivery.state === 'failed');
  expect(failed.map((delivery) => `${delivery.event}.${delivery.action ?? ''}`)).toEqual([]);
  const report = playerReport(scenario.world);
  expect(report.divergences).toEqual([]);
}
