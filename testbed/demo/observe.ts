/**
 * What the demo and the end-to-end tests see of a work item while it runs: the app's own record of the
 * epic and its stories (its store: the single writer of state), the pull requests and checks on the offline
 * GitHub, and the workflow runs the local runner took. A snapshot is read in one go; `waitFor` polls
 * snapshots until a condition holds, failing with what it waited for when time runs out or when the item
 * ends somewhere it can't come back from without a human.
 */
import { RELEASE_GATE_CHECK, REVIEWER_ROLES, reviewCheckName } from '../../core/roles.js';
import type { GateRecord, WorkItem } from '../../core/work-item.js';
import type { WorkItemRecord } from '../../app/store/index.js';
import type { RunRecord } from '../runner/index.js';
import type { SampleRepository, World } from './world.js';

export interface StoryView {
  id: string;
  /** The story's sub-issue. */
  issue: number;
  title: string;
  state: string;
  pr: number | undefined;
  headSha: string | undefined;
  gate: GateRecord | undefined;
  /** Why it failed, or the questions it waits on. */
  reason: string | undefined;
  /** The state `/retry` or `/clarify` returns to, while failed or waiting for an answer. */
  resumeState: string | undefined;
  /** The reviewer checks completed on the pull request's head, of the four. */
  reviewsDone: number;
  /** The release-gate check on the head: its conclusion once completed. */
  gateCheck: string | undefined;
}

export interface Snapshot {
  /** Seconds since the observer started. */
  at: number;
  epic:
    | {
        state: string;
        reason: string | undefined;
        /** The stories of the plan the app holds (proposed or accepted), in plan order. */
        plan: { id: string; title: string; dependsOn: string[] }[];
        /** Whether the app's plan comment is on the issue for people to read. */
        planPosted: boolean;
      }
    | undefined;
  stories: StoryView[];
  /** The runner's runs of this repository, oldest first. */
  runs: RunRecord[];
}

const documentItem = (record: WorkItemRecord): WorkItem | undefined =>
  (record.data as { item?: WorkItem } | null)?.item;

/** Why an item stopped, from its record: the failure reason or the questions asked. */
function reasonOf(item: WorkItem | undefined): string | undefined {
  if (item === undefined) return undefined;
  if (item.last_reason !== undefined) return item.last_reason;
  if (item.questions !== undefined) return item.questions.join(' ');
  return undefined;
}

/** Reads snapshots of one issue's work in one repository. */
export class Observer {
  private readonly started = performance.now();

  constructor(
    private readonly world: World,
    readonly sample: SampleRepository,
    readonly issue: number,
  ) {}

  /** Seconds since the observer was made. */
  elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** The epic's record in the app's store, if the app has made one yet. */
  async epicRecord(): Promise<WorkItemRecord | null> {
    return this.world.app.store.workItems.getByIssue(this.sample.fullName, this.issue);
  }

  async snapshot(): Promise<Snapshot> {
    const { state } = this.world.github;
    const { repo } = this.sample;
    const epic = await this.epicRecord();
    const records = epic === null ? [] : await this.world.app.store.workItems.list({ parentId: epic.id });
    const stories = records.map((record): StoryView => {
      const item = documentItem(record);
      const story = item?.kind === 'story' ? item : undefined;
      const pr = record.prNumber ?? story?.pr ?? undefined;
      const pull = pr === undefined ? undefined : state.pulls.get(repo, pr).pull;
      const checks = pull === undefined ? [] : state.checks.listForRef(repo, pull.headSha);
      const reviewNames = new Set(REVIEWER_ROLES.map(reviewCheckName));
      const gateRun = checks.find(
        (check) => check.name === RELEASE_GATE_CHECK && check.appId === this.world.ghApp.id,
      );
      return {
        id: record.storyId ?? '',
        issue: record.issueNumber,
        title: state.issues.get(repo, record.issueNumber).title,
        state: record.state,
        pr,
        headSha: pull?.headSha,
        gate: story?.gate,
        reason: reasonOf(item),
        resumeState: item?.resume_state,
        reviewsDone: checks.filter(
          (check) =>
            reviewNames.has(check.name) &&
            check.status === 'completed' &&
            check.appId === this.world.ghApp.id,
        ).length,
        gateCheck: gateRun?.status === 'completed' ? (gateRun.conclusion ?? undefined) : undefined,
      };
    });
    const planStories =
      (
        epic?.data as {
          plan_document?: { stories?: { id: string; title: string; depends_on?: string[] }[] };
        } | null
      )?.plan_document?.stories ?? [];
    const bot = this.world.ghApp.bot.login;
    const planPosted = state.comments
      .list(repo, this.issue)
      .some(
        (comment) => comment.user.login === bot && comment.body.startsWith(`### Plan for #${this.issue}`),
      );
    return {
      at: this.elapsed(),
      epic:
        epic === null
          ? undefined
          : {
              state: epic.state,
              reason: reasonOf(documentItem(epic)),
              plan: planStories.map((story) => ({
                id: story.id,
                title: story.title,
                dependsOn: story.depends_on ?? [],
              })),
              planPosted,
            },
      stories: stories.sort((a, b) => a.issue - b.issue),
      runs: this.world.runner.runs().filter((run) => run.repository === this.sample.fullName),
    };
  }
}

/** A wait that did not end well: what it waited for, and where things stood. */
export class WaitError extends Error {
  constructor(
    message: string,
    readonly snapshot: Snapshot | undefined,
  ) {
    super(message);
    this.name = 'WaitError';
  }
}

/** States an item does not leave without a human, which a wait for anything else must not sit through. */
const STUCK_STATES = new Set(['failed', 'blocked', 'awaiting_clarification', 'cancelled']);

export interface WaitOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /**
   * Fail at once when an item becomes failed, blocked, waiting for clarification or cancelled (default
   * true); a state it was already in when the wait began does not count until it has left it.
   */
  failWhenStuck?: boolean;
  /** Called with every snapshot read (e.g. to redraw a status table). */
  onSnapshot?: (snapshot: Snapshot) => void;
  /** Time between snapshots (default 100 ms). */
  intervalMs?: number;
}

/** Each item of a snapshot that is stuck: a key (the item and its state) and why, epic first. */
export function stuckItems(snapshot: Snapshot): { key: string; text: string }[] {
  const stuck: { key: string; text: string }[] = [];
  const because = (reason: string | undefined) => (reason === undefined ? '' : `: ${reason}`);
  if (snapshot.epic !== undefined && STUCK_STATES.has(snapshot.epic.state)) {
    stuck.push({
      key: `issue:${snapshot.epic.state}`,
      text: `the issue is ${snapshot.epic.state}${because(snapshot.epic.reason)}`,
    });
  }
  for (const story of snapshot.stories) {
    if (!STUCK_STATES.has(story.state)) continue;
    stuck.push({
      key: `${story.id}:${story.state}`,
      text: `story ${story.id} is ${story.state}${because(story.reason)}`,
    });
  }
  return stuck;
}

/** Why a snapshot shows work stuck, or undefined. */
export function stuckReason(snapshot: Snapshot): string | undefined {
  return stuckItems(snapshot)[0]?.text;
}

/**
 * Polls until `done(snapshot)` returns a value (not undefined), and resolves with it. Rejects with a
 * WaitError naming `what` on timeout, or at once when work is stuck (see {@link WaitOptions.failWhenStuck}).
 */
export async function waitFor<T>(
  observer: Observer,
  what: string,
  done: (snapshot: Snapshot) => T | undefined,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = performance.now() + timeoutMs;
  let last: Snapshot | undefined;
  // Work that was already stuck when the wait began is what the caller is acting on (e.g. a /clarify just
  // posted): only an item getting stuck anew (or again, after it left) ends the wait early.
  let known: Set<string> | undefined;
  for (;;) {
    last = await observer.snapshot();
    options.onSnapshot?.(last);
    const value = done(last);
    if (value !== undefined) return value;
    const stuck = stuckItems(last);
    const keys = new Set(stuck.map((item) => item.key));
    known = known === undefined ? keys : new Set([...known].filter((key) => keys.has(key)));
    const fresh = stuck.find((item) => !(known as Set<string>).has(item.key));
    if ((options.failWhenStuck ?? true) && fresh !== undefined) {
      throw new WaitError(`while waiting for ${what}, ${fresh.text}`, last);
    }
    if (performance.now() >= deadline) {
      throw new WaitError(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`, last);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
