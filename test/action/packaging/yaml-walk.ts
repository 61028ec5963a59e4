/**
 * Walks parsed workflow and action files: their jobs, their steps, and every expression in them. Each
 * item carries a dotted location (`jobs.review.steps[2].with.ref`) so a finding names where to look.
 */
import { isRecord } from './project-files.js';

export type Step = Record<string, unknown>;

export interface LocatedStep {
  where: string;
  /** The job id for a workflow step; undefined for an action's step. */
  job?: string;
  step: Step;
}

export interface LocatedJob {
  id: string;
  job: Record<string, unknown>;
}

export function jobsOf(workflow: unknown): LocatedJob[] {
  if (!isRecord(workflow) || !isRecord(workflow.jobs)) return [];
  return Object.entries(workflow.jobs).flatMap(([id, job]) => (isRecord(job) ? [{ id, job }] : []));
}

function stepList(steps: unknown, prefix: string, job?: string): LocatedStep[] {
  if (!Array.isArray(steps)) return [];
  return steps.flatMap((step, index) =>
    isRecord(step)
      ? [{ where: `${prefix}.steps[${index}]`, step, ...(job === undefined ? {} : { job }) }]
      : [],
  );
}

/** The steps of a workflow (every job's) or of a composite action (`runs.steps`). */
export function stepsOf(document: unknown): LocatedStep[] {
  if (isRecord(document) && isRecord(document.runs)) return stepList(document.runs.steps, 'runs');
  return jobsOf(document).flatMap(({ id, job }) => stepList(job.steps, `jobs.${id}`, id));
}

export interface LocatedText {
  where: string;
  key: string;
  text: string;
}

/** Every string scalar in a document (mapping keys excluded), with its location and the key it sits under. */
export function stringsIn(node: unknown, where = '', key = ''): LocatedText[] {
  if (typeof node === 'string') return [{ where, key, text: node }];
  if (Array.isArray(node)) return node.flatMap((item, index) => stringsIn(item, `${where}[${index}]`, key));
  if (isRecord(node)) {
    return Object.entries(node).flatMap(([childKey, child]) =>
      stringsIn(child, where === '' ? childKey : `${where}.${childKey}`, childKey),
    );
  }
  return [];
}

export interface LocatedExpression {
  where: string;
  expression: string;
}

const EXPRESSION = /\$\{\{([\s\S]*?)\}\}/g;

/**
 * Every expression: the body of each `${{ … }}`, plus each `if:` condition, which GitHub evaluates as an
 * expression even without the braces.
 */
export function expressionsIn(document: unknown): LocatedExpression[] {
  return stringsIn(document).flatMap(({ where, key, text }) => {
    const bodies = [...text.matchAll(EXPRESSION)].map((match) => (match[1] ?? '').trim());
    if (key === 'if' && bodies.length === 0) bodies.push(text.trim());
    return bodies.map((expression) => ({ where, expression }));
  });
}

/** The action a step uses, without its ref: `actions/checkout` for `actions/checkout@<sha>`. */
export function usedAction(step: Step): string | undefined {
  return typeof step.uses === 'string' ? step.uses.split('@')[0] : undefined;
}
