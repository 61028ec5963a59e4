/**
 * Writing a stage's result document to disk (the artifact the app reads), and the failed document of a
 * run that could not even start (bad inputs, no token), so every run that knows who it is leaves a result.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseStageResult } from '../../core/results.js';
import type { StageResult } from '../../core/results.js';
import type { Stage } from '../../core/roles.js';
import { parseIdentity } from './inputs.js';
import type { RawInputs } from './inputs.js';
import { InvalidResultError, StageRun } from './result.js';

/**
 * Validates `result` against core/results once more and writes it as JSON to `file` (folders created).
 * Throws InvalidResultError for a document that does not validate: an invalid document is never written.
 */
export async function writeResultDocument(file: string, result: StageResult): Promise<void> {
  const parsed = parseStageResult(JSON.parse(JSON.stringify(result)) as unknown);
  if (!parsed.ok) throw new InvalidResultError(parsed.errors);
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, `${JSON.stringify(parsed.result, null, 2)}\n`, 'utf8');
}

/**
 * The failed document of a run that stopped before its stage could start, or undefined when the inputs
 * don't even say which run it is (run key, repository, issue): then no document can be valid, and the job
 * fails with the reason instead.
 */
export function earlyFailure(stage: Stage, raw: RawInputs, reason: string): StageResult | undefined {
  let identity;
  try {
    identity = parseIdentity(raw);
  } catch {
    try {
      identity = parseIdentity({ ...raw, story: '' });
    } catch {
      return undefined;
    }
  }
  return new StageRun(stage, identity).failed(reason);
}
