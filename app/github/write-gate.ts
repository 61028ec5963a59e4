/**
 * The one door every GitHub write of the app goes through: it checks the repository's kill switch before
 * the write and appends an audit entry after it (also when it failed), so neither can be skipped by a
 * feature that forgets them.
 */
import type { Store } from '../store/index.js';
import { describeError, RepositoryPausedError, statusOf } from './errors.js';
import type { RepoRef, WriteContext } from './types.js';

export interface WriteSpec {
  /** What is done, as the audit log names it: `issues.createComment`, `pulls.merge`… */
  action: string;
  /** What it is done to: `owner/repo#12`, `owner/repo@main`… */
  target: string;
  context: WriteContext;
  /**
   * Lets the write through a paused repository. Only the app's replies to `/pause`, `/resume` and `/status`
   * and the dashboard issue's pause box (kept matching the switch) set it: the kill switch must stop
   * everything else, but the person flipping it needs an answer.
   */
  killSwitchExempt?: boolean;
  /** Anything else worth keeping in the audit entry. */
  detail?: Record<string, unknown>;
}

export class WriteGate {
  constructor(
    private readonly store: Pick<Store, 'repositories' | 'audit'>,
    private readonly repository: RepoRef,
    /** Who the audit log names as the actor of every write: the app's bot login. */
    private readonly actor: string,
  ) {}

  /**
   * Runs `write` unless the repository is paused (then throws RepositoryPausedError and sends nothing),
   * and records it in the audit log: `outcome: 'ok'` with `describe(result)` merged into the detail, or
   * `outcome: 'failed'` with the error, which is then rethrown.
   */
  async run<T>(
    spec: WriteSpec,
    write: () => Promise<T>,
    describe?: (result: T) => Record<string, unknown>,
  ): Promise<T> {
    if (
      spec.killSwitchExempt !== true &&
      (await this.store.repositories.isPaused(this.repository.fullName))
    ) {
      throw new RepositoryPausedError(this.repository.fullName, spec.action);
    }
    let result: T;
    try {
      result = await write();
    } catch (error) {
      await this.append(spec, {
        outcome: 'failed',
        error: describeError(error),
        ...(statusOf(error) === undefined ? {} : { status: statusOf(error) }),
      });
      throw error;
    }
    await this.append(spec, { outcome: 'ok', ...(describe?.(result) ?? {}) });
    return result;
  }

  private async append(spec: WriteSpec, outcome: Record<string, unknown>): Promise<void> {
    const { context } = spec;
    await this.store.audit.append({
      actor: this.actor,
      action: spec.action,
      target: spec.target,
      repository: this.repository.fullName,
      itemId: context.itemId ?? null,
      runKey: context.runKey ?? null,
      runId: context.runId ?? null,
      detail: {
        ...(context.causedBy === undefined ? {} : { caused_by: context.causedBy }),
        ...(spec.killSwitchExempt === true ? { kill_switch_exempt: true } : {}),
        ...spec.detail,
        ...outcome,
      },
    });
  }
}
