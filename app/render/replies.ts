/** Short replies to commands: refusals that say exactly what is missing, and the kill switch's answers. */
import type { PolicyError } from '../../core/policy.js';
import { CONFIG_FILE_PATH } from '../../core/policy.js';
import { costLine } from './status.js';
import type { CostLine } from './status.js';
import { escapeLines, escapeText, inlineCode } from './escape.js';

/** A refused or inapplicable command: `reason` (untrusted, may name people) is escaped. */
export function renderRefusal(command: string, reason: string): string {
  return `${inlineCode(`/${command}`)} was not carried out: ${escapeLines(reason, 1000)}`;
}

/** The configuration on the default branch is invalid: every bad field, and that nothing was started. */
export function renderConfigErrors(errors: readonly PolicyError[]): string {
  return [
    `The orchestrator's configuration ${inlineCode(CONFIG_FILE_PATH)} on the default branch is invalid, so nothing was done:`,
    '',
    ...errors.map((error) => `- ${inlineCode(error.path, 100)}: ${escapeText(error.message, 300)}`),
    '',
    'Fix the file on the default branch (`npx ai-orchestrator policy check <file>` explains each setting), then repeat what you did.',
  ].join('\n');
}

export function renderPaused(alreadyPaused: boolean): string {
  return alreadyPaused
    ? 'The repository was already paused. Nothing is written or started until `/resume`.'
    : 'Paused: the orchestrator writes nothing and starts no run in this repository until `/resume`. Work already running on GitHub Actions finishes; its results wait.';
}

export function renderResumed(wasPaused: boolean, queued: number): string {
  if (!wasPaused) return 'The repository was not paused; nothing changed.';
  return `Resumed: the orchestrator works in this repository again${queued > 0 ? `; ${queued} waiting ${queued === 1 ? 'item continues' : 'items continue'}` : ''}.`;
}

/** `/status` where there is no work item: only the repository's switch and spend. */
export function renderRepositoryStatus(paused: boolean, cost: CostLine): string {
  return [
    `No orchestrator work item is attached here. The repository is ${paused ? '**paused** (`/resume` to continue)' : 'active'}.`,
    '',
    costLine(cost),
  ].join('\n');
}
