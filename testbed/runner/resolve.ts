/**
 * Where a `uses:` goes. `owner/repo[/path]@ref` is an action of this checkout when `owner/repo` is mapped
 * to a local folder (our own `OWNER/REPO/action/<stage>@v1` and `OWNER/REPO@v1` → the project root, whose
 * `dist/` bundles are the real ones), or one of the runner's equivalents of third-party actions (matched
 * by `owner/repo`, any SHA or tag). Anything else — another action, a local `./` path, a Docker image —
 * is refused, loudly and with its location.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { builtinAction } from './builtins/index.js';
import { parseAction, WorkflowError } from './model.js';
import type { ActionSpec, StepSpec, WorkflowSpec } from './model.js';

export type ActionTarget =
  { kind: 'composite'; path: string; spec: ActionSpec } | { kind: 'builtin'; name: string };

const USES = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)((?:\/[^@]+)?)@(.+)$/;

export class ActionResolver {
  private readonly folders: Map<string, string>;
  private readonly parsed = new Map<string, ActionSpec>();

  /** @param folders `owner/repo` → the local folder that stands for that repository. */
  constructor(folders: Record<string, string>) {
    this.folders = new Map(
      Object.entries(folders).map(([name, folder]) => [name.toLowerCase(), resolve(folder)]),
    );
  }

  /** Resolves a `uses:` value. Throws a WorkflowError naming `where` for what the runner can't run. */
  lookup(uses: string, where: string): ActionTarget {
    const match = USES.exec(uses);
    if (match === null) {
      throw new WorkflowError(
        `${where}: the local runner does not run ${JSON.stringify(uses)} (only owner/repo[/path]@ref actions)`,
      );
    }
    const [, owner = '', repo = '', path = ''] = match;
    const name = `${owner}/${repo}`.toLowerCase();
    const folder = this.folders.get(name);
    if (folder !== undefined) {
      const actionDir = join(folder, path);
      const file = ['action.yml', 'action.yaml']
        .map((candidate) => join(actionDir, candidate))
        .find((candidate) => existsSync(candidate));
      if (file === undefined) throw new WorkflowError(`${where}: ${uses}: no action.yml in ${actionDir}`);
      let spec = this.parsed.get(file);
      if (spec === undefined) {
        spec = parseAction(readFileSync(file, 'utf8'), file);
        this.parsed.set(file, spec);
      }
      return { kind: 'composite', path: actionDir, spec };
    }
    if (builtinAction(name) !== undefined) {
      if (path !== '')
        throw new WorkflowError(`${where}: the local runner's ${name} has no sub-action ${path}`);
      return { kind: 'builtin', name };
    }
    throw new WorkflowError(
      `${where}: the local runner has no equivalent of the third-party action ${owner}/${repo}; map it to a local folder or add an equivalent`,
    );
  }

  /**
   * Resolves every `uses:` of the steps, recursively through composite actions, and checks each `with:`
   * names only inputs the composite action declares. Throws a WorkflowError.
   */
  checkSteps(steps: StepSpec[], file: string, seen: Set<string> = new Set()): void {
    for (const step of steps) {
      if (step.uses === undefined) continue;
      const target = this.lookup(step.uses, `${file}: ${step.where}`);
      if (target.kind !== 'composite') continue;
      const declared = new Set(target.spec.inputs.map((input) => input.name.toLowerCase()));
      for (const name of Object.keys(step.with)) {
        if (!declared.has(name.toLowerCase())) {
          throw new WorkflowError(
            `${file}: ${step.where}.with.${name}: ${step.uses} declares no input ${name}`,
          );
        }
      }
      if (seen.has(target.spec.file)) continue;
      seen.add(target.spec.file);
      this.checkSteps(target.spec.steps, target.spec.file, seen);
    }
  }

  /** Checks every job of a workflow (see {@link checkSteps}). */
  checkWorkflow(workflow: WorkflowSpec): void {
    const seen = new Set<string>();
    for (const job of workflow.jobs) this.checkSteps(job.steps, workflow.file, seen);
  }
}
