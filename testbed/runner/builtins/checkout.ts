/**
 * The local equivalent of `actions/checkout`: the same git commands the action runs, against the offline
 * GitHub's git server. It initializes the folder, adds `origin`, authenticates with the token through an
 * `http.<server>/.extraheader` (as the action does), fetches the ref shallowly with the action's
 * refspecs, checks it out (a branch as a local branch, a pull request ref or a SHA detached), and removes
 * the credential again when `persist-credentials` is false.
 *
 * Inputs: repository, ref, token, path, persist-credentials, fetch-depth. Outputs: ref, commit.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { StepFailure } from '../steps.js';
import type { BuiltinCall } from '../steps.js';
import { git, gitEnvironment } from './git.js';
import { takeInputs } from './inputs.js';
import type { RunServices } from './services.js';

interface CheckoutTarget {
  /** Refspecs to fetch. */
  refspecs: string[];
  /** `-B <branch> <start>` for a branch, or a detached `<start>`. */
  branch: string | undefined;
  start: string;
}

/** The fetch and checkout of `ref` (and `commit`, when the ref is the dispatched one), as the action plans them. */
function plan(ref: string, commit: string): CheckoutTarget | 'unqualified' {
  if (commit !== '') {
    const branch = ref.replace(/^refs\/heads\//, '');
    return {
      refspecs: [`+${commit}:refs/remotes/origin/${branch}`],
      branch,
      start: `refs/remotes/origin/${branch}`,
    };
  }
  if (/^[0-9a-f]{40}$/i.test(ref))
    return { refspecs: [`+${ref}:refs/remotes/origin/detached`], branch: undefined, start: ref };
  if (ref.startsWith('refs/heads/')) {
    const branch = ref.slice('refs/heads/'.length);
    return {
      refspecs: [`+${ref}:refs/remotes/origin/${branch}`],
      branch,
      start: `refs/remotes/origin/${branch}`,
    };
  }
  if (ref.startsWith('refs/pull/')) {
    const rest = ref.slice('refs/pull/'.length);
    return {
      refspecs: [`+${ref}:refs/remotes/pull/${rest}`],
      branch: undefined,
      start: `refs/remotes/pull/${rest}`,
    };
  }
  if (ref.startsWith('refs/tags/')) return { refspecs: [`+${ref}:${ref}`], branch: undefined, start: ref };
  if (ref.startsWith('refs/')) throw new StepFailure(`actions/checkout: unsupported ref ${ref}`);
  return 'unqualified';
}

export async function checkout(call: BuiltinCall, services: RunServices): Promise<Record<string, string>> {
  const github = call.job.contexts.github as Record<string, string>;
  const inputs = takeInputs('actions/checkout', call.inputs, {
    repository: github.repository ?? '',
    ref: '',
    token: github.token ?? '',
    path: '.',
    'persist-credentials': 'true',
    'fetch-depth': '1',
  });
  const [owner, name, ...extra] = inputs.repository.split('/');
  if (owner === undefined || name === undefined || owner === '' || name === '' || extra.length > 0) {
    throw new StepFailure(`actions/checkout: invalid repository ${JSON.stringify(inputs.repository)}`);
  }
  if (!['true', 'false'].includes(inputs['persist-credentials'])) {
    throw new StepFailure('actions/checkout: persist-credentials must be true or false');
  }
  const depth = Number(inputs['fetch-depth']);
  if (!Number.isInteger(depth) || depth < 0)
    throw new StepFailure('actions/checkout: fetch-depth must be a whole number');

  const target = resolve(call.job.workspace, inputs.path);
  const inside = relative(call.job.workspace, target);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new StepFailure(`Repository path '${target}' is not under '${call.job.workspace}'`);
  }
  mkdirSync(target, { recursive: true });
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new StepFailure(
      `actions/checkout: ${target} is not empty (each job of the local runner starts with a fresh workspace)`,
    );
  }

  let ref = inputs.ref;
  let commit = '';
  const sameRepository = inputs.repository.toLowerCase() === (github.repository ?? '').toLowerCase();
  if (ref === '') {
    if (sameRepository) {
      ref = github.ref ?? '';
      commit = github.sha ?? '';
    } else {
      ref = `refs/heads/${services.github.state.repos.get(owner, name).defaultBranch}`;
    }
  }

  const env = gitEnvironment(call.job.machineEnv);
  const run = async (args: string[]) => {
    call.log(`[command]git ${args.join(' ')}`);
    const result = await git(args, target, env, call.job.signal);
    for (const line of `${result.stdout}${result.stderr}`.split('\n')) if (line !== '') call.log(line);
    return result;
  };
  const mustRun = async (args: string[]) => {
    const result = await run(args);
    if (result.status !== 0)
      throw new StepFailure(`The process 'git' failed with exit code ${result.status ?? 'unknown'}`);
    return result;
  };

  const serverUrl = github.server_url ?? services.github.url;
  const headerKey = `http.${serverUrl}/.extraheader`;
  const credential = Buffer.from(`x-access-token:${inputs.token}`).toString('base64');
  call.job.masker.add(credential);
  call.log(`Syncing repository: ${inputs.repository}`);
  await mustRun(['init', '--quiet', target]);
  await mustRun(['remote', 'add', 'origin', services.gitUrl(owner, name)]);
  await mustRun(['config', '--local', headerKey, `AUTHORIZATION: basic ${credential}`]);

  const depthArgs = depth > 0 ? [`--depth=${depth}`] : [];
  const fetch = (refspecs: string[]) =>
    mustRun([
      '-c',
      'protocol.version=2',
      'fetch',
      '--no-tags',
      '--prune',
      '--no-recurse-submodules',
      ...depthArgs,
      'origin',
      ...refspecs,
    ]);

  let planned = plan(ref, commit);
  if (planned === 'unqualified') {
    // A bare name may be a branch or a tag: the action fetches both patterns, then looks which exists.
    await fetch([`+refs/heads/${ref}*:refs/remotes/origin/${ref}*`, `+refs/tags/${ref}*:refs/tags/${ref}*`]);
    if ((await run(['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${ref}`])).status === 0) {
      planned = { refspecs: [], branch: ref, start: `refs/remotes/origin/${ref}` };
    } else if ((await run(['rev-parse', '--verify', '--quiet', `refs/tags/${ref}`])).status === 0) {
      planned = { refspecs: [], branch: undefined, start: `refs/tags/${ref}` };
    } else {
      throw new StepFailure(`A branch or tag with the name '${ref}' could not be found`);
    }
  } else {
    await fetch(planned.refspecs);
  }
  await mustRun(
    planned.branch === undefined
      ? ['checkout', '--quiet', '--force', planned.start]
      : ['checkout', '--quiet', '--force', '-B', planned.branch, planned.start],
  );
  const head = (await mustRun(['rev-parse', 'HEAD'])).stdout.trim();
  if (inputs['persist-credentials'] === 'false')
    await mustRun(['config', '--local', '--unset-all', headerKey]);
  return { ref: inputs.ref === '' ? ref : inputs.ref, commit: head };
}
