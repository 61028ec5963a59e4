/**
 * Hardening rules for workflows and composite actions, in the spirit of zizmor (security checklist 33),
 * run offline over the parsed YAML. Each rule returns findings that name the file, the location and why
 * it matters; a clean file returns none.
 */
import { isRecord } from './project-files.js';
import { expressionsIn, jobsOf, stepsOf, stringsIn, usedAction } from './yaml-walk.js';
import type { LocatedStep } from './yaml-walk.js';

export interface Finding {
  rule: string;
  file: string;
  where: string;
  message: string;
}

/** The reviewed pins (`pinned-actions.json`). */
export interface PinList {
  actions: { uses: string; sha: string; tag: string }[];
  self: { uses: string; refs: string[] };
  denied: { uses: string; sha: string; why: string }[];
}

type Rule = (file: string, document: unknown, pins: PinList) => Finding[];

const finding = (rule: string, file: string, where: string, message: string): Finding => ({
  rule,
  file,
  where,
  message,
});

/** The events a workflow triggers on, whichever of the three shapes `on:` takes. */
export function triggersOf(workflow: unknown): string[] {
  if (!isRecord(workflow)) return [];
  const on = workflow.on;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.filter((event): event is string => typeof event === 'string');
  return isRecord(on) ? Object.keys(on) : [];
}

// A value that reaches a shell through `${{ }}` is pasted into the script before bash parses it: any
// expression there, trusted-looking or not, is a template-injection risk. Values go through `env:`.
const expressionInRun: Rule = (file, document) =>
  stepsOf(document).flatMap(({ where, step }) => {
    const scripts: [string, unknown][] = [
      [`${where}.run`, step.run],
      [`${where}.with.script`, isRecord(step.with) ? step.with.script : undefined],
    ];
    return scripts
      .filter(([, script]) => typeof script === 'string' && script.includes('${{'))
      .map(([at]) =>
        finding(
          'expression-in-run',
          file,
          at,
          'a ${{ }} expression inside a script; pass the value through env:',
        ),
      );
  });

// pull_request_target runs with the base repository's secrets and write token on a fork's event.
const pullRequestTarget: Rule = (file, document) =>
  triggersOf(document).includes('pull_request_target')
    ? [
        finding(
          'pull-request-target',
          file,
          'on',
          'pull_request_target runs fork-controlled events with secrets',
        ),
      ]
    : [];

// A workflow_run workflow is privileged; the triggering run's head is untrusted code and its artifacts are
// untrusted data.
const workflowRunHead: Rule = (file, document) => {
  if (!triggersOf(document).includes('workflow_run')) return [];
  const headReference = /workflow_run\.head_(sha|branch|repository|commit)/;
  const checkouts = stepsOf(document).flatMap(({ where, step }) =>
    stringsIn(step, where)
      .filter(({ text }) => headReference.test(text))
      .map(({ where: at }) =>
        finding(
          'workflow-run-head',
          file,
          at,
          'a workflow_run job must not check out or use the triggering head',
        ),
      ),
  );
  const runsArtifacts = jobsOf(document).flatMap(({ id }) => {
    const steps = stepsOf(document).filter((located) => located.job === id);
    const download = steps.findIndex(({ step }) => usedAction(step) === 'actions/download-artifact');
    return download >= 0 && steps.slice(download + 1).some(({ step }) => typeof step.run === 'string')
      ? [
          finding(
            'workflow-run-artifact',
            file,
            `jobs.${id}`,
            'runs scripts after downloading another run’s artifacts',
          ),
        ]
      : [];
  });
  return [...checkouts, ...runsArtifacts];
};

const SHA_PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^@\s]+)?@[0-9a-f]{40}$/;
const DOCKER_PINNED = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;

function isSelfReference(uses: string, pins: PinList): boolean {
  const [name = '', ref = ''] = uses.split('@');
  const ownRepo = name === pins.self.uses || name.startsWith(`${pins.self.uses}/`);
  return ownRepo && pins.self.refs.includes(ref);
}

// A tag or branch can be moved to other code after review (tj-actions, March 2025); a commit SHA can't.
const unpinnedUses: Rule = (file, document, pins) =>
  stepsOf(document).flatMap(({ where, step }) => {
    const uses = step.uses;
    if (typeof uses !== 'string') return [];
    if (uses.startsWith('./') || DOCKER_PINNED.test(uses) || isSelfReference(uses, pins)) return [];
    if (!SHA_PINNED.test(uses)) {
      return [finding('unpinned-uses', file, `${where}.uses`, `${uses} is not pinned to a full commit SHA`)];
    }
    const sha = uses.slice(uses.lastIndexOf('@') + 1);
    const denied = pins.denied.find((entry) => entry.sha === sha);
    return denied === undefined
      ? []
      : [finding('denied-pin', file, `${where}.uses`, `${uses} is a known-bad commit: ${denied.why}`)];
  });

function isReadOnly(permissions: unknown): boolean {
  if (permissions === 'read-all') return true;
  if (!isRecord(permissions)) return false;
  return Object.values(permissions).every((level) => level === 'read' || level === 'none');
}

// Without a top-level block every job gets the repository's default token scopes, which may be write-all.
const topLevelPermissions: Rule = (file, document) => {
  if (!isRecord(document) || !('permissions' in document)) {
    return [finding('top-level-permissions', file, 'permissions', 'no top-level permissions: block')];
  }
  return isReadOnly(document.permissions)
    ? []
    : [
        finding(
          'top-level-permissions',
          file,
          'permissions',
          'top-level permissions must be read-only or {}',
        ),
      ];
};

// `secrets: inherit` hands every secret to a reusable workflow instead of the ones it needs.
const secretsInherit: Rule = (file, document) =>
  jobsOf(document)
    .filter(({ job }) => job.secrets === 'inherit')
    .map(({ id }) =>
      finding('secrets-inherit', file, `jobs.${id}.secrets`, 'pass the named secrets a job needs'),
    );

// A persisted token stays in .git/config where any later step (or the code checked out) can read it.
const persistCredentials: Rule = (file, document) =>
  stepsOf(document)
    .filter(({ step }) => usedAction(step) === 'actions/checkout')
    .filter(({ step }) => {
      const setting = isRecord(step.with) ? step.with['persist-credentials'] : undefined;
      return setting !== false && setting !== 'false';
    })
    .map(({ where }) =>
      finding('persist-credentials', file, where, 'actions/checkout needs persist-credentials: false'),
    );

// contains('main release', x) is a substring test on a string, so x = 'main rel' passes too.
const containsLiteral: Rule = (file, document) =>
  expressionsIn(document)
    .filter(({ expression }) => /\bcontains\s*\(\s*'/i.test(expression))
    .map(({ where }) =>
      finding('contains-literal', file, where, "contains('<string>', …) matches substrings"),
    );

// github.actor is whoever last acted on the run (a re-run by someone else, a bot), not who wrote the code.
const actorIdentity: Rule = (file, document) =>
  expressionsIn(document)
    .filter(({ expression }) => /\bgithub\.(triggering_)?actor\b/.test(expression))
    .map(({ where }) => finding('actor-identity', file, where, 'github.actor is not an identity check'));

// Without permission-* inputs the App token carries every permission of the installation.
const appTokenScope: Rule = (file, document) =>
  stepsOf(document)
    .filter(({ step }) => usedAction(step) === 'actions/create-github-app-token')
    .filter(
      ({ step }) =>
        !isRecord(step.with) || !Object.keys(step.with).some((key) => key.startsWith('permission-')),
    )
    .map(({ where }) =>
      finding('app-token-scope', file, where, 'name the App token’s permissions (permission-*)'),
    );

export const WORKFLOW_RULES: Rule[] = [
  expressionInRun,
  pullRequestTarget,
  workflowRunHead,
  unpinnedUses,
  topLevelPermissions,
  secretsInherit,
  persistCredentials,
  containsLiteral,
  actorIdentity,
  appTokenScope,
];

const runStepsWithoutShell = (file: string, steps: LocatedStep[]): Finding[] =>
  steps
    .filter(({ step }) => typeof step.run === 'string' && typeof step.shell !== 'string')
    .map(({ where }) =>
      finding('composite-shell', file, `${where}.shell`, 'a composite run step must name its shell'),
    );

function describedEntries(file: string, section: string, entries: unknown, needsValue: boolean): Finding[] {
  if (entries === undefined) return [];
  if (!isRecord(entries))
    return [finding('composite-metadata', file, section, `${section} must be a mapping`)];
  return Object.entries(entries).flatMap(([name, entry]) => {
    const at = `${section}.${name}`;
    if (!isRecord(entry) || typeof entry.description !== 'string' || entry.description.trim() === '') {
      return [finding('composite-metadata', file, at, 'needs a description')];
    }
    if (needsValue && typeof entry.value !== 'string') {
      return [finding('composite-metadata', file, at, 'a composite output needs a value: mapping')];
    }
    return [];
  });
}

// Composite actions: documented inputs and outputs, `using: composite`, and a shell on every run step.
const compositeMetadata: Rule = (file, document) => {
  if (!isRecord(document)) return [finding('composite-metadata', file, '', 'not a mapping')];
  const missing = ['name', 'description']
    .filter((key) => typeof document[key] !== 'string')
    .map((key) => finding('composite-metadata', file, key, `needs a ${key}`));
  const runs = isRecord(document.runs) ? document.runs : {};
  const using =
    runs.using === 'composite'
      ? []
      : [finding('composite-metadata', file, 'runs.using', 'must be composite')];
  return [
    ...missing,
    ...using,
    ...describedEntries(file, 'inputs', document.inputs, false),
    ...describedEntries(file, 'outputs', document.outputs, true),
    ...runStepsWithoutShell(file, stepsOf(document)),
  ];
};

export const ACTION_RULES: Rule[] = [
  expressionInRun,
  unpinnedUses,
  persistCredentials,
  containsLiteral,
  actorIdentity,
  appTokenScope,
  compositeMetadata,
];

export const workflowFindings = (file: string, document: unknown, pins: PinList): Finding[] =>
  WORKFLOW_RULES.flatMap((rule) => rule(file, document, pins));

export const actionFindings = (file: string, document: unknown, pins: PinList): Finding[] =>
  ACTION_RULES.flatMap((rule) => rule(file, document, pins));
