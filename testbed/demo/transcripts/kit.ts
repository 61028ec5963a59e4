/**
 * Builders for transcripts: the parts every scenario repeats (a planner that reads and submits a plan,
 * reviewers that read the change and give a verdict), so a scenario writes only what is its own.
 */
import type { ReviewerRole } from '../../../core/roles.js';
import { REVIEWER_ROLES } from '../../../core/roles.js';
import type { ScriptedCall, Transcript } from '../player.js';

export interface PlannedStory {
  id: string;
  title: string;
  description: string;
  acceptance_criteria: string[];
  depends_on: string[];
  estimate: number;
}

export interface Verdict {
  status: 'pass' | 'concerns' | 'block';
  summary: string;
  findings: {
    severity: 'info' | 'minor' | 'major' | 'blocker';
    category: string;
    message: string;
    file?: string;
    line?: number;
  }[];
}

const readCalls = (files: readonly string[]): ScriptedCall[] =>
  files.map((file) => ({ name: 'read_file', input: { path: file } }));

/**
 * A planner that lists the repository, reads `read` (each must exist: the reads are checked), and submits
 * `plan`. `match` identifies the issue (words of its title or body).
 */
export function plannerTranscript(options: {
  id: string;
  match: string[];
  exclude?: string[];
  read: string[];
  plan: { summary: string; stories: PlannedStory[] };
}): Transcript {
  return {
    id: options.id,
    role: 'planner',
    match: ['Plan issue', ...options.match],
    ...(options.exclude === undefined ? {} : { exclude: options.exclude }),
    turns: [
      {
        say: 'Looking at the repository and the code the issue touches.',
        calls: [{ name: 'list_files', input: { path: '.' } }, ...readCalls(options.read)],
      },
      { calls: [{ name: 'submit_plan', input: options.plan }] },
    ],
  };
}

/** A planner that cannot plan without an answer: it reads `read`, then asks `questions`. */
export function plannerQuestionTranscript(options: {
  id: string;
  match: string[];
  exclude?: string[];
  read: string[];
  questions: string[];
}): Transcript {
  return {
    id: options.id,
    role: 'planner',
    match: ['Plan issue', ...options.match],
    ...(options.exclude === undefined ? {} : { exclude: options.exclude }),
    turns: [
      { calls: [{ name: 'list_files', input: { path: '.' } }, ...readCalls(options.read)] },
      { calls: [{ name: 'ask_clarification', input: { questions: options.questions } }] },
    ],
  };
}

/** What a reviewer says when it finds nothing, by role. */
function passVerdict(role: ReviewerRole, storyTitle: string, files: readonly string[]): Verdict {
  const list = files.map((file) => `\`${file}\``).join(', ');
  const summary: Record<ReviewerRole, string> = {
    'story-alignment': `The change delivers "${storyTitle}": each acceptance criterion is implemented in ${list} and exercised by a test.`,
    'test-quality': `The tests in ${list} call the project's code and assert exact results, including the edge cases the story names.`,
    architecture: `The change stays in small modules (${list}) with no new dependency and no change to unrelated code.`,
    security: `No input reaches the file system, a shell or dynamic code in ${list}; nothing handles secrets.`,
  };
  return { status: 'pass', summary: summary[role], findings: [] };
}

/**
 * The four reviewers of one pull request: each reads `read` and gives its verdict (`verdicts` by role;
 * a pass by default). `match` identifies the story (its title); `exclude`, e.g. text only a later round's
 * diff has, keeps a first round's transcripts off the second round.
 */
export function reviewerTranscripts(options: {
  id: string;
  storyTitle: string;
  read: string[];
  match?: string[];
  exclude?: string[];
  verdicts?: Partial<Record<ReviewerRole, Verdict>>;
}): Transcript[] {
  return REVIEWER_ROLES.map((role) => ({
    id: `${role}: ${options.id}`,
    role,
    match: ['Review pull request', options.storyTitle, ...(options.match ?? [])],
    ...(options.exclude === undefined ? {} : { exclude: options.exclude }),
    turns: [
      { say: 'Reading the change.', calls: readCalls(options.read) },
      {
        calls: [
          {
            name: 'submit_verdict',
            input: options.verdicts?.[role] ?? passVerdict(role, options.storyTitle, options.read),
          },
        ],
      },
    ],
  }));
}
