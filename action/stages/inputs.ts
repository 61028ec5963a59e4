/**
 * The inputs of a stage as text (the action's inputs, or the CLI's flags: the same names), parsed and
 * checked into StageInputs. One parser for both, so a local run takes exactly what the action takes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { STORY_ID_PATTERN } from '../../core/results.js';
import { REVIEWER_ROLES } from '../../core/roles.js';
import type { ReviewerRole, Stage } from '../../core/roles.js';
import { parseRepository } from '../github/repository.js';
import { parseStageContext } from './context.js';
import type { StageInputs } from './run-stage.js';
import type { RunIdentity } from './types.js';

/** The input names, as action.yml declares them and the CLI spells its flags. */
export const INPUT_NAMES = [
  'issue',
  'pr',
  'story',
  'run_key',
  'context',
  'role',
  'repository',
  'workspace',
  'prompts-dir',
  'default-branch',
] as const;
export type InputName = (typeof INPUT_NAMES)[number];

/** Input values as given; an empty string is the same as an absent input. */
export type RawInputs = Partial<Record<InputName, string>>;

/** An input that is missing or malformed; the message names it. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const value = (raw: RawInputs, name: InputName): string | undefined => {
  const given = raw[name]?.trim();
  return given === undefined || given === '' ? undefined : given;
};

function positiveInt(raw: RawInputs, name: InputName): number | undefined {
  const text = value(raw, name);
  if (text === undefined) return undefined;
  if (!/^[1-9]\d{0,9}$/.test(text))
    throw new InputError(`the ${name} input must be a positive whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** The identity of the run (run key, repository, issue, story); throws InputError naming a bad or missing one. */
export function parseIdentity(raw: RawInputs): RunIdentity {
  const runKey = value(raw, 'run_key');
  if (runKey === undefined) throw new InputError('the run_key input is required');
  if (runKey.length > 200) throw new InputError('the run_key input is longer than 200 characters');
  const repositoryText = value(raw, 'repository');
  if (repositoryText === undefined) throw new InputError('the repository input (owner/name) is required');
  let repository;
  try {
    repository = parseRepository(repositoryText);
  } catch (error) {
    throw new InputError(`the repository input: ${(error as Error).message}`);
  }
  const issue = positiveInt(raw, 'issue');
  if (issue === undefined) throw new InputError('the issue input is required');
  const story = value(raw, 'story');
  if (story !== undefined && !STORY_ID_PATTERN.test(story)) {
    throw new InputError(
      `the story input must be a story id (letters, digits, _ and -), got ${JSON.stringify(story)}`,
    );
  }
  const defaultBranch = value(raw, 'default-branch');
  return {
    runKey,
    repository,
    issue,
    ...(story === undefined ? {} : { story }),
    ...(defaultBranch === undefined ? {} : { defaultBranch }),
  };
}

/** What the caller's surroundings supply besides the inputs. */
export interface InputDefaults {
  /** The checkout when the workspace input is empty. */
  workspace: string;
  /** The prompts folder when the prompts-dir input is empty; asked only by the stages that run agents. */
  promptsDir(): string;
  /** Where git fetches and pushes. */
  remoteUrl: string;
  gitToken?: string;
}

/** The stages whose agents need role prompts. */
const AGENT_STAGES: readonly Stage[] = ['plan', 'implement', 'review'];

/** Every input of `stage`, checked; throws InputError naming the first bad one. */
export function parseStageInputs(stage: Stage, raw: RawInputs, defaults: InputDefaults): StageInputs {
  const identity = parseIdentity(raw);
  const pr = positiveInt(raw, 'pr');
  const roleText = value(raw, 'role');
  let role: ReviewerRole | undefined;
  if (roleText !== undefined) {
    if (!(REVIEWER_ROLES as readonly string[]).includes(roleText)) {
      throw new InputError(
        `the role input must be one of ${REVIEWER_ROLES.join(', ')}, got ${JSON.stringify(roleText)}`,
      );
    }
    role = roleText as ReviewerRole;
  } else if (stage === 'review') {
    throw new InputError(`the review stage needs the role input (${REVIEWER_ROLES.join(', ')})`);
  }
  let context;
  try {
    context = parseStageContext(value(raw, 'context') ?? '');
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  return {
    ...identity,
    workspace: path.resolve(value(raw, 'workspace') ?? defaults.workspace),
    // Only the agent stages read prompts; the others must not fail for want of a folder they never open.
    promptsDir: AGENT_STAGES.includes(stage)
      ? path.resolve(value(raw, 'prompts-dir') ?? defaults.promptsDir())
      : '',
    context,
    ...(pr === undefined ? {} : { pr }),
    ...(role === undefined ? {} : { role }),
    remoteUrl: defaults.remoteUrl,
    ...(defaults.gitToken === undefined ? {} : { gitToken: defaults.gitToken }),
  };
}

/**
 * The prompts folder shipped with the action: the first `prompts/` holding the role prompts in `start` or
 * one of its three parents (the root action is the repository's root, the stage actions sit two folders
 * below it, the bundles one). Throws when there is none, naming where it looked.
 */
export function findPromptsDir(start: string): string {
  let folder = path.resolve(start);
  for (let level = 0; level <= 3; level++) {
    const candidate = path.join(folder, 'prompts');
    if (existsSync(path.join(candidate, 'developer.md'))) return candidate;
    folder = path.dirname(folder);
  }
  throw new InputError(
    `no prompts folder with the role prompts in ${start} or above it; set the prompts-dir input`,
  );
}
