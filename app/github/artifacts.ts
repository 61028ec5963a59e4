/**
 * A run's result document: the `ai-orchestrator-result` artifact, downloaded as GitHub serves it (a zip
 * behind a short-lived redirect) and unpacked in memory with bounds, since its content comes from a run
 * that executed model-written code and is untrusted.
 */
import { unzipSync } from 'fflate';
import type { GitHubApi } from './api.js';
import { RESULT_ARTIFACT, RESULT_FILE } from './workflow.js';

/** The largest artifact downloaded, and the largest result file unpacked from it. */
export const MAX_ARTIFACT_BYTES = 5 * 1024 * 1024;
export const MAX_RESULT_BYTES = 2 * 1024 * 1024;

export type ResultDocument = { ok: true; document: unknown } | { ok: false; reason: string };

/**
 * The parsed JSON of the run's result file, or why there is none: no artifact, expired, too large, not a
 * zip, no `result.json` in it, or not JSON. Transient API failures are thrown, not turned into reasons.
 */
export async function readResultDocument(api: GitHubApi, runId: number): Promise<ResultDocument> {
  const { octokit, repo } = api;
  const { data } = await octokit.rest.actions.listWorkflowRunArtifacts({
    owner: repo.owner,
    repo: repo.repo,
    run_id: runId,
    name: RESULT_ARTIFACT,
    per_page: 100,
  });
  const candidates = data.artifacts.filter((artifact) => artifact.name === RESULT_ARTIFACT);
  if (candidates.length === 0)
    return { ok: false, reason: `the run uploaded no "${RESULT_ARTIFACT}" artifact` };
  if (candidates.length > 1)
    return {
      ok: false,
      reason: `the run uploaded ${candidates.length} "${RESULT_ARTIFACT}" artifacts; expected one`,
    };
  const artifact = candidates[0]!;
  if (artifact.expired) return { ok: false, reason: `the "${RESULT_ARTIFACT}" artifact has expired` };
  if (artifact.size_in_bytes > MAX_ARTIFACT_BYTES) {
    return {
      ok: false,
      reason: `the "${RESULT_ARTIFACT}" artifact is ${artifact.size_in_bytes} bytes; the limit is ${MAX_ARTIFACT_BYTES}`,
    };
  }
  const download = await octokit.rest.actions.downloadArtifact({
    owner: repo.owner,
    repo: repo.repo,
    artifact_id: artifact.id,
    archive_format: 'zip',
  });
  const bytes = new Uint8Array(download.data as ArrayBuffer);
  if (bytes.byteLength > MAX_ARTIFACT_BYTES)
    return { ok: false, reason: `the downloaded artifact is larger than ${MAX_ARTIFACT_BYTES} bytes` };
  return parseResultZip(bytes);
}

/** The result document inside an artifact zip (exported for the tests of the bounds). */
export function parseResultZip(bytes: Uint8Array): ResultDocument {
  let files: Record<string, Uint8Array>;
  let tooLarge = false;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        if (file.name !== RESULT_FILE) return false;
        // Checked before inflating, so a zip bomb is refused without being expanded.
        if (file.originalSize > MAX_RESULT_BYTES) {
          tooLarge = true;
          return false;
        }
        return true;
      },
    });
  } catch (error) {
    return { ok: false, reason: `the artifact is not a readable zip (${(error as Error).message})` };
  }
  if (tooLarge) return { ok: false, reason: `${RESULT_FILE} is larger than ${MAX_RESULT_BYTES} bytes` };
  const file = files[RESULT_FILE];
  if (file === undefined) return { ok: false, reason: `the artifact holds no ${RESULT_FILE}` };
  if (file.byteLength > MAX_RESULT_BYTES)
    return { ok: false, reason: `${RESULT_FILE} is larger than ${MAX_RESULT_BYTES} bytes` };
  try {
    return {
      ok: true,
      document: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file)) as unknown,
    };
  } catch (error) {
    return { ok: false, reason: `${RESULT_FILE} is not valid JSON (${(error as Error).message})` };
  }
}
