/**
 * The contract with the user's workflow (design §3): the file the app dispatches, the inputs it passes,
 * the `run-name` it expects, and the artifact a run leaves its result document in.
 *
 * The workflow must declare the inputs `stage`, `issue`, `pr`, `story`, `run_key` and `context` (all
 * strings; six of GitHub Enterprise Server's ten) and set
 * `run-name: ai-orchestrator ${{ inputs.stage }} ${{ inputs.run_key }}`, so a run can be matched to its
 * dispatch where `return_run_details` is not available.
 */
import type { DispatchContext, DispatchStage } from '../../core/workflow.js';

export const WORKFLOW_FILE = 'ai-orchestrator.yml';
export const WORKFLOW_PATH = `.github/workflows/${WORKFLOW_FILE}`;

/** The artifact holding a run's result document, and the document's file name inside it. */
export const RESULT_ARTIFACT = 'ai-orchestrator-result';
export const RESULT_FILE = 'result.json';

/** The largest `context` input sent; GitHub caps the whole inputs payload at 65,535 characters. */
export const MAX_CONTEXT_CHARS = 50_000;

/** What a dispatch tells the stage, besides the run key. */
export interface DispatchRequest {
  stage: DispatchStage;
  issue: number;
  pr?: number;
  story?: string;
  runKey: string;
  /** The effect's context (reason, questions and answer, findings) plus the repository's lessons. */
  context: DispatchContext & { lessons?: string[] };
}

/**
 * The `workflow_dispatch` inputs: every value a string (GitHub's rule), absent ones empty, `context` a JSON
 * object no longer than {@link MAX_CONTEXT_CHARS} (long texts and lists are shortened, never dropped
 * silently: a shortened text ends with `…`).
 */
export function workflowInputs(request: DispatchRequest): Record<string, string> {
  return {
    stage: request.stage,
    issue: String(request.issue),
    pr: request.pr === undefined ? '' : String(request.pr),
    story: request.story ?? '',
    run_key: request.runKey,
    context: boundedJson(request.context, MAX_CONTEXT_CHARS),
  };
}

/** The run key in a run's title (`ai-orchestrator <stage> <run_key>`), or undefined. */
export function runKeyFromTitle(title: string | null | undefined): string | undefined {
  if (typeof title !== 'string') return undefined;
  const match = /^ai-orchestrator \S+ (\S+)$/.exec(title.trim());
  return match?.[1];
}

/**
 * `value` as JSON of at most `max` characters: strings and lists are cut to ever smaller caps until it
 * fits. Throws a RangeError if even the tightest caps do not fit (a caller bug: the keys alone are small).
 */
export function boundedJson(value: unknown, max: number): string {
  let text = JSON.stringify(value);
  for (
    let cap = 8000, items = 50;
    text.length > max;
    cap = Math.floor(cap / 2), items = Math.ceil(items / 2)
  ) {
    if (cap < 16) throw new RangeError(`cannot fit the dispatch context into ${max} characters`);
    text = JSON.stringify(shorten(value, cap, items));
  }
  return text;
}

function shorten(value: unknown, cap: number, items: number): unknown {
  if (typeof value === 'string') return value.length > cap ? `${value.slice(0, cap - 1)}…` : value;
  if (Array.isArray(value)) {
    const kept = value.slice(0, items).map((entry) => shorten(entry, cap, items));
    return value.length > items ? [...kept, `… ${value.length - items} more`] : kept;
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, shorten(entry, cap, items)]));
  }
  return value;
}
