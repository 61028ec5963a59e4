/**
 * The local equivalent of `actions/upload-artifact` (v4 and later): the named files and folders are
 * stored as one artifact of the current run in the offline GitHub, where the API lists and serves it
 * (GitHub's artifact service is internal to Actions, so the equivalent writes through the state, as that
 * service does). As the action does: paths relative to the workspace, several paths rooted at their
 * least common ancestor, hidden files of a folder left out, a second artifact of the same name in a run
 * refused, and `if-no-files-found` deciding between failing, warning and nothing.
 *
 * Inputs: name, path, if-no-files-found. Outputs: artifact-id, artifact-url, artifact-digest.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { StepFailure } from '../steps.js';
import type { BuiltinCall } from '../steps.js';
import { takeInputs } from './inputs.js';
import type { RunServices } from './services.js';

/** Files of a folder, recursively, hidden ones (a name starting with `.`) left out. */
function filesIn(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      return entry.isDirectory() ? filesIn(path) : entry.isFile() ? [path] : [];
    });
}

/** The deepest folder holding every path. */
function commonAncestor(paths: string[]): string {
  const split = paths.map((path) => path.split(sep));
  const first = split[0] ?? [];
  let length = 0;
  while (length < first.length && split.every((parts) => parts[length] === first[length])) length++;
  return first.slice(0, length).join(sep) || sep;
}

export async function uploadArtifact(
  call: BuiltinCall,
  services: RunServices,
): Promise<Record<string, string>> {
  const inputs = takeInputs('actions/upload-artifact', call.inputs, {
    name: 'artifact',
    path: '',
    'if-no-files-found': 'warn',
  });
  const mode = inputs['if-no-files-found'];
  if (mode !== 'warn' && mode !== 'error' && mode !== 'ignore') {
    throw new StepFailure(
      `actions/upload-artifact: if-no-files-found must be warn, error or ignore, not ${JSON.stringify(mode)}`,
    );
  }
  const lines = inputs.path
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 0) throw new StepFailure('actions/upload-artifact: the path input is required');
  for (const line of lines) {
    if (/[*?[\]!]/.test(line)) {
      throw new StepFailure(
        `actions/upload-artifact: the local runner uploads named files and folders only, not the pattern ${line}`,
      );
    }
  }
  const searchPaths = lines.map((line) => resolve(call.job.workspace, line));
  const found = searchPaths.filter((path) => existsSync(path));
  const files = found.flatMap((path) => (statSync(path).isDirectory() ? filesIn(path) : [path]));
  if (files.length === 0) {
    const message = `No files were found with the provided path: ${lines.join('\n')}. No artifacts will be uploaded.`;
    if (mode === 'error') throw new StepFailure(message);
    if (mode === 'warn') call.log(`Warning: ${message}`);
    else call.log(message);
    return {};
  }
  const [single] = searchPaths;
  const root =
    searchPaths.length === 1 && single !== undefined
      ? statSync(single).isDirectory()
        ? single
        : dirname(single)
      : commonAncestor(
          searchPaths.map((path) =>
            existsSync(path) && statSync(path).isDirectory() ? path : dirname(path),
          ),
        );
  const { state } = services.github;
  if (state.actions.artifacts(services.repo, services.runId, inputs.name).length > 0) {
    throw new StepFailure(
      `Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run`,
    );
  }
  const entries = Object.fromEntries(
    files.map((file) => [relative(root, file).split(sep).join('/') || basename(file), readFileSync(file)]),
  );
  const artifact = state.actions.addArtifact(services.repo, services.runId, inputs.name, entries);
  const { repo } = services;
  const url = `${services.github.url}/${repo.owner.login}/${repo.name}/actions/runs/${services.runId}/artifacts/${artifact.id}`;
  call.log(`Artifact ${inputs.name} has been uploaded: ${files.length} file(s), id ${artifact.id}`);
  return {
    'artifact-id': String(artifact.id),
    'artifact-url': url,
    'artifact-digest': artifact.digest.replace(/^sha256:/, ''),
  };
}
