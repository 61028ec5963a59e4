/**
 * The store suite, run unchanged on every engine (see pglite.test.ts and postgres.test.ts). One database
 * per engine per file; each test works in repositories of its own, so tests never see each other's rows.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Engine } from '../../../app/store/engine.js';
import { migrate } from '../../../app/store/migrate.js';
import { MIGRATIONS } from '../../../app/store/migrations.js';
import {
  createStore,
  DispatchNotPendingError,
  NotFoundError,
  VersionConflictError,
} from '../../../app/store/index.js';
import type { Store, WorkItemRecord } from '../../../app/store/index.js';
import type { EngineHarness } from './harness.js';

let repositoryCounter = 0;
/** A repository name used by one test only. */
function newRepository(): string {
  repositoryCounter += 1;
  return `octo/repo-${repositoryCounter}-${randomUUID().slice(0, 8)}`;
}

const usage = (repository: string, itemId: string | null, costUsd: number, runKey: string | null = null) => ({
  repository,
  itemId,
  stage: 'implement',
  role: 'developer',
  runKey,
  tokensIn: 1000,
  tokensOut: 200,
  cacheReadTokens: 700,
  cacheWriteTokens: 50,
  costUsd,
});

export function storeSuite(harness: EngineHarness): void {
  describe(`store on ${harness.name}`, () => {
    let engine: Engine;
    let store: Store;

    beforeAll(async () => {
      engine = await harness.open();
      expect(await migrate(engine)).toEqual(MIGRATIONS.map((m) => m.version));
      store = createStore(engine);
    }, 120_000);

    afterAll(async () => {
      if (engine !== undefined) await harness.dispose(engine);
    });

    async function newIssueItem(repository = newRepository(), issueNumber = 1): Promise<WorkItemRecord> {
      const { item } = await store.workItems.create({
        repository,
        issueNumber,
        kind: 'issue',
        state: 'planning',
        data: { title: 'Add pet insurance', labels: ['ai:planning'] },
      });
      return item;
    }

    async function count(table: string, where: string, params: unknown[]): Promise<number> {
      const [row] = await engine.query(`SELECT count(*)::integer AS n FROM ${table} WHERE ${where}`, params);
      return Number(row?.n);
    }

    describe('migrations', () => {
      it('are idempotent: migrating an up-to-date database applies nothing and keeps the data', async () => {
        const item = await newIssueItem();
        expect(await migrate(engine)).toEqual([]);
        expect(await migrate(engine)).toEqual([]);
        const recorded = await engine.query('SELECT version FROM schema_migrations ORDER BY version');
        expect(recorded.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
        expect(await store.workItems.get(item.id)).toEqual(item);
      });

      it('apply all pending migrations or none: a failing one leaves no trace', async () => {
        const broken = [
          ...MIGRATIONS,
          {
            version: MIGRATIONS.length + 1,
            name: 'half-done',
            statements: ['CREATE TABLE half_done (id integer)', 'SELECT no_such_column FROM half_done'],
          },
        ];
        await expect(migrate(engine, broken)).rejects.toThrow(/no_such_column/);
        const [table] = await engine.query(`SELECT to_regclass('half_done') AS t`);
        expect(table?.t).toBeNull();
        expect(await count('schema_migrations', 'true', [])).toBe(MIGRATIONS.length);
      });

      it('refuse a list with gaps and a history that disagrees with the recorded one', async () => {
        await expect(migrate(engine, [{ version: 2, name: 'x', statements: [] }])).rejects.toThrow(
          /expected 1/,
        );
        const renamed = MIGRATIONS.map((m) => ({ ...m, name: `${m.name} (renamed)` }));
        await expect(migrate(engine, renamed)).rejects.toThrow(/recorded as/);
      });
    });

    describe('deliveries', () => {
      it('record a delivery once: a redelivery is a duplicate', async () => {
        const id = randomUUID();
        expect(await store.deliveries.record(id, 'issues', 'labeled')).toBe('new');
        expect(await store.deliveries.record(id, 'issues', 'labeled')).toBe('duplicate');
        const finished = await store.deliveries.finish(id, 'handled');
        expect(finished).toMatchObject({
          id,
          event: 'issues',
          action: 'labeled',
          outcome: 'handled',
          error: null,
        });
        expect(finished?.finishedAt).not.toBeNull();
        expect(await store.deliveries.finish(randomUUID(), 'failed', 'boom')).toBeNull();
        const failed = randomUUID();
        await store.deliveries.record(failed, 'ping', null);
        await store.deliveries.finish(failed, 'failed', 'no handler');
        expect(await store.deliveries.get(failed)).toMatchObject({
          action: null,
          outcome: 'failed',
          error: 'no handler',
        });
      });

      it('give exactly one "new" to concurrent records of one delivery id', async () => {
        const id = randomUUID();
        const claims = await Promise.all(
          Array.from({ length: 8 }, () => store.deliveries.record(id, 'issue_comment', 'created')),
        );
        expect(claims.filter((claim) => claim === 'new')).toHaveLength(1);
        expect(claims.filter((claim) => claim === 'duplicate')).toHaveLength(7);
      });

      it('claim a semantic event once, also when claimed concurrently', async () => {
        const key = `comment:${randomUUID()}:created`;
        const claims = await Promise.all(Array.from({ length: 5 }, () => store.deliveries.claimEvent(key)));
        expect(claims.filter((claim) => claim === 'new')).toHaveLength(1);
        expect(await store.deliveries.claimEvent(key)).toBe('duplicate');
        expect(await store.deliveries.claimEvent(`${key}:other`)).toBe('new');
      });
    });

    describe('repositories', () => {
      it('keep installation, kill switch and dashboard issue', async () => {
        const name = newRepository();
        expect(await store.repositories.get(name)).toBeNull();
        expect(await store.repositories.isPaused(name)).toBe(false);
        const created = await store.repositories.upsert(name, 42);
        expect(created).toMatchObject({
          fullName: name,
          installationId: 42,
          paused: false,
          dashboardIssue: null,
        });
        const paused = await store.repositories.setPaused(name, true, 'alice');
        expect(paused).toMatchObject({ paused: true, pausedChangedBy: 'alice', installationId: 42 });
        expect(await store.repositories.isPaused(name)).toBe(true);
        expect(await store.repositories.upsert(name, 43)).toMatchObject({ installationId: 43, paused: true });
        await store.repositories.setPaused(name, false, 'bob');
        expect(await store.repositories.isPaused(name)).toBe(false);
        expect(await store.repositories.setDashboardIssue(name, 7)).toMatchObject({
          dashboardIssue: 7,
          pausedChangedBy: 'bob',
        });
      });

      it('pause an unknown repository rather than fail, and refuse a dashboard for one', async () => {
        const name = newRepository();
        expect(await store.repositories.setPaused(name, true, 'admin')).toMatchObject({
          paused: true,
          installationId: null,
        });
        await expect(store.repositories.setDashboardIssue(newRepository(), 3)).rejects.toBeInstanceOf(
          NotFoundError,
        );
        await expect(store.repositories.upsert('not-a-full-name', 1)).rejects.toThrow();
      });
    });

    describe('work items', () => {
      it('are created once per repository, issue and story', async () => {
        const repository = newRepository();
        const first = await store.workItems.create({
          repository,
          issueNumber: 5,
          kind: 'epic',
          state: 'planning',
          data: { n: 1 },
        });
        expect(first.created).toBe(true);
        expect(first.item).toMatchObject({
          repository,
          issueNumber: 5,
          storyId: null,
          version: 1,
          data: { n: 1 },
        });
        const again = await store.workItems.create({
          repository,
          issueNumber: 5,
          kind: 'epic',
          state: 'done',
          data: { n: 2 },
        });
        expect(again).toEqual({ item: first.item, created: false });

        const story = await store.workItems.create({
          repository,
          issueNumber: 5,
          kind: 'story',
          storyId: 'A',
          parentId: first.item.id,
          state: 'pending',
          data: {},
        });
        expect(story.created).toBe(true);
        expect(story.item).toMatchObject({ storyId: 'A', parentId: first.item.id });
        const concurrent = await Promise.all(
          Array.from({ length: 4 }, () =>
            store.workItems.create({
              repository,
              issueNumber: 9,
              kind: 'issue',
              state: 'planning',
              data: {},
            }),
          ),
        );
        expect(concurrent.filter((result) => result.created)).toHaveLength(1);
        expect(new Set(concurrent.map((result) => result.item.id)).size).toBe(1);
        await expect(
          store.workItems.create({
            repository,
            issueNumber: 6,
            kind: 'story',
            storyId: '',
            state: 's',
            data: {},
          }),
        ).rejects.toBeInstanceOf(RangeError);
        await expect(
          store.workItems.create({ repository, issueNumber: 6, kind: 'issue', state: 's', data: undefined }),
        ).rejects.toThrow(/JSON/);
      });

      it('are found by id, issue, story and pull request, and listed by repository, state and parent', async () => {
        const repository = newRepository();
        const epic = await newIssueItem(repository, 10);
        const { item: storyA } = await store.workItems.create({
          repository,
          issueNumber: 11,
          kind: 'story',
          storyId: 'A',
          parentId: epic.id,
          state: 'implementing',
          data: {},
        });
        const { item: storyB } = await store.workItems.create({
          repository,
          issueNumber: 12,
          kind: 'story',
          storyId: 'B',
          parentId: epic.id,
          state: 'pending',
          data: {},
        });
        expect(await store.workItems.getByIssue(repository, 10)).toEqual(epic);
        expect((await store.workItems.getByIssue(repository, 11))?.id).toBe(storyA.id);
        expect(await store.workItems.getByIssue(repository, 99)).toBeNull();
        expect((await store.workItems.getByStory(epic.id, 'B'))?.id).toBe(storyB.id);
        expect(await store.workItems.getByStory(epic.id, 'Z')).toBeNull();

        const withPr = await store.workItems.update(storyA.id, 1, {
          state: 'reviewing',
          data: {},
          prNumber: 77,
        });
        expect(withPr.prNumber).toBe(77);
        expect((await store.workItems.getByPr(repository, 77))?.id).toBe(storyA.id);
        const keptPr = await store.workItems.update(storyA.id, 2, { state: 'revising', data: {} });
        expect(keptPr.prNumber).toBe(77);
        expect(
          (await store.workItems.update(storyA.id, 3, { state: 'x', data: {}, prNumber: null })).prNumber,
        ).toBeNull();
        expect(await store.workItems.getByPr(repository, 77)).toBeNull();

        const all = await store.workItems.list({ repository });
        expect(all.map((item) => item.id)).toEqual([epic.id, storyA.id, storyB.id]);
        const stories = await store.workItems.list({ parentId: epic.id, states: ['pending', 'x'] });
        expect(stories.map((item) => item.id).sort()).toEqual([storyA.id, storyB.id].sort());
        expect(await store.workItems.list({ repository, states: ['pending'] })).toEqual([storyB]);
        expect(await store.workItems.list({ repository, limit: 1 })).toEqual([epic]);
      });

      it('update only at the expected version: a stale version is a VersionConflict that writes nothing', async () => {
        const item = await newIssueItem();
        const next = await store.workItems.update(item.id, 1, {
          state: 'awaiting_plan_approval',
          data: { plan: 1 },
        });
        expect(next).toMatchObject({ version: 2, state: 'awaiting_plan_approval', data: { plan: 1 } });
        const stale = store.workItems.update(item.id, 1, { state: 'cancelled', data: {} });
        await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
        await expect(stale).rejects.toMatchObject({ itemId: item.id, expectedVersion: 1, actualVersion: 2 });
        expect(await store.workItems.get(item.id)).toEqual(next);
        await expect(
          store.workItems.update(randomUUID(), 1, { state: 'x', data: {} }),
        ).rejects.toBeInstanceOf(NotFoundError);
      });

      it('let exactly one of two concurrent transitions from one version win; the loser writes nothing', async () => {
        const repository = newRepository();
        const item = await newIssueItem(repository);
        const attempt = (who: string) =>
          store.applyTransition({
            itemId: item.id,
            expectedVersion: 1,
            change: { state: `by-${who}`, data: { who } },
            dispatches: [
              { runKey: `run-${who}-${randomUUID()}`, itemId: item.id, repository, stage: 'plan' },
            ],
            audit: [
              { actor: who, action: 'transition', target: `${repository}#1`, repository, itemId: item.id },
            ],
            usage: [usage(repository, item.id, 0.5)],
          });
        const results = await Promise.allSettled([attempt('alice'), attempt('bob')]);
        const won = results.filter((result) => result.status === 'fulfilled');
        const lost = results.filter((result) => result.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]?.status === 'rejected' && lost[0].reason).toBeInstanceOf(VersionConflictError);
        const winner = won[0]?.status === 'fulfilled' ? won[0].value : undefined;
        const who = (winner?.item.data as { who: string }).who;
        expect(await store.workItems.get(item.id)).toMatchObject({ version: 2, state: `by-${who}` });
        expect((await store.dispatches.listForItem(item.id)).map((d) => d.runKey)).toEqual([
          winner?.dispatches[0]?.runKey,
        ]);
        expect((await store.audit.list({ itemId: item.id })).map((entry) => entry.actor)).toEqual([who]);
        expect((await store.usage.totalsForItem(item.id)).entries).toBe(1);
      });
    });

    describe('transitions with their bookkeeping', () => {
      it('store the update, completed run, dispatches, audit and usage together', async () => {
        const repository = newRepository();
        const item = await newIssueItem(repository);
        const planRun = `plan-${randomUUID()}`;
        await store.dispatches.create({ runKey: planRun, itemId: item.id, repository, stage: 'plan' });
        const implementRun = `implement-${randomUUID()}`;
        const result = await store.applyTransition({
          itemId: item.id,
          expectedVersion: 1,
          change: { state: 'implementing', data: { plan: ['A'] } },
          completedRun: { runKey: planRun, conclusion: 'success' },
          dispatches: [
            { runKey: implementRun, itemId: item.id, repository, stage: 'implement', storyId: 'A' },
          ],
          audit: [
            {
              actor: 'app',
              action: 'actions.createWorkflowDispatch',
              target: repository,
              repository,
              itemId: item.id,
              runKey: implementRun,
              detail: { stage: 'implement' },
            },
          ],
          usage: [usage(repository, item.id, 1.25, planRun)],
        });
        expect(result.item).toMatchObject({ version: 2, state: 'implementing', data: { plan: ['A'] } });
        expect(result.completedRun).toMatchObject({
          runKey: planRun,
          status: 'completed',
          conclusion: 'success',
        });
        expect(result.dispatches).toEqual([
          expect.objectContaining({ runKey: implementRun, status: 'dispatched', attempts: 1, storyId: 'A' }),
        ]);
        expect(await store.audit.list({ itemId: item.id })).toEqual([
          expect.objectContaining({ runKey: implementRun, detail: { stage: 'implement' } }),
        ]);
        expect(await store.usage.totalsForItem(item.id)).toMatchObject({ entries: 1, costUsd: 1.25 });
      });

      it('roll everything back when any part fails', async () => {
        const repository = newRepository();
        const item = await newIssueItem(repository);
        const taken = `taken-${randomUUID()}`;
        await store.dispatches.create({ runKey: taken, itemId: item.id, repository, stage: 'plan' });
        const fresh = `fresh-${randomUUID()}`;
        // The second dispatch reuses a run key: the insert fails after the update, audit and first dispatch.
        await expect(
          store.applyTransition({
            itemId: item.id,
            expectedVersion: 1,
            change: { state: 'implementing', data: {} },
            dispatches: [
              { runKey: fresh, itemId: item.id, repository, stage: 'implement' },
              { runKey: taken, itemId: item.id, repository, stage: 'implement' },
            ],
            audit: [{ actor: 'app', action: 'x', target: repository, itemId: item.id }],
          }),
        ).rejects.toThrow();
        expect(await store.workItems.get(item.id)).toEqual(item);
        expect(await store.dispatches.get(fresh)).toBeNull();
        expect(await store.audit.list({ itemId: item.id })).toEqual([]);

        // A result whose run was already completed is refused before anything is written.
        await store.dispatches.complete(taken, 'success');
        const duplicate = store.applyTransition({
          itemId: item.id,
          expectedVersion: 1,
          change: { state: 'awaiting_plan_approval', data: {} },
          completedRun: { runKey: taken, conclusion: 'success' },
          usage: [usage(repository, item.id, 3)],
        });
        await expect(duplicate).rejects.toBeInstanceOf(DispatchNotPendingError);
        expect((await store.workItems.get(item.id))?.version).toBe(1);
        expect((await store.usage.totalsForItem(item.id)).entries).toBe(0);

        // A transaction of several operations is rolled back as a whole when its function throws.
        await expect(
          store.transaction(async (tx) => {
            await tx.workItems.update(item.id, 1, { state: 'cancelled', data: {} });
            await tx.audit.append({ actor: 'bob', action: 'cancel', target: repository, itemId: item.id });
            await tx.repositories.setPaused(repository, true, 'bob');
            throw new Error('handler failed');
          }),
        ).rejects.toThrow('handler failed');
        expect((await store.workItems.get(item.id))?.state).toBe('planning');
        expect(await store.audit.list({ itemId: item.id })).toEqual([]);
        expect(await store.repositories.isPaused(repository)).toBe(false);
      });

      it('keep the outer transaction usable after a failed nested transition', async () => {
        const repository = newRepository();
        const item = await newIssueItem(repository);
        const taken = `taken-${randomUUID()}`;
        await store.dispatches.create({ runKey: taken, itemId: item.id, repository, stage: 'plan' });
        const outcome = await store.transaction(async (tx) => {
          // A statement fails inside the nested transition; on Postgres that would abort the whole
          // transaction, were the nested part not in a savepoint.
          const conflict = await tx
            .applyTransition({
              itemId: item.id,
              expectedVersion: 1,
              change: { state: 'x', data: {} },
              dispatches: [{ runKey: taken, itemId: item.id, repository, stage: 'plan' }],
            })
            .catch((error: unknown) => error);
          const updated = await tx.workItems.update(item.id, 1, {
            state: 'awaiting_plan_approval',
            data: {},
          });
          return { conflict, updated };
        });
        expect(outcome.conflict).toBeInstanceOf(Error);
        expect(outcome.updated).toMatchObject({ version: 2, state: 'awaiting_plan_approval' });
        expect(await store.workItems.get(item.id)).toEqual(outcome.updated);
      });
    });

    describe('dispatches', () => {
      it('follow a run from dispatch to completion, once', async () => {
        const repository = newRepository();
        const item = await newIssueItem(repository);
        const runKey = `run-${randomUUID()}`;
        const before = new Date(Date.now() - 60_000);
        const created = await store.dispatches.create({
          runKey,
          itemId: item.id,
          repository,
          stage: 'review',
        });
        expect(created).toMatchObject({
          status: 'dispatched',
          attempts: 1,
          runId: null,
          storyId: null,
          startedAt: null,
        });
        expect(await store.dispatches.listNotStartedSince(before)).not.toContainEqual(created);
        expect(await store.dispatches.listNotStartedSince(new Date(Date.now() + 60_000))).toContainEqual(
          created,
        );

        const runId = 9_000_000_000 + Math.floor(Math.random() * 1_000_000);
        const attached = await store.dispatches.attachRun(
          runKey,
          runId,
          `https://github.com/${repository}/actions/runs/${runId}`,
        );
        expect(attached).toMatchObject({ runId, status: 'dispatched' });
        expect((await store.dispatches.getByRunId(runId))?.runKey).toBe(runKey);
        const running = await store.dispatches.markRunning(runKey);
        expect(running).toMatchObject({ status: 'running', runId });
        expect(running?.startedAt).not.toBeNull();
        expect(await store.dispatches.markRunning(runKey)).toBeNull();
        expect(await store.dispatches.listRunningSince(new Date(Date.now() + 60_000))).toContainEqual(
          running,
        );
        expect(await store.dispatches.listRunningSince(before)).not.toContainEqual(running);

        const done = await store.dispatches.complete(runKey, 'failure');
        expect(done).toMatchObject({ status: 'completed', conclusion: 'failure' });
        expect(await store.dispatches.complete(runKey, 'success')).toBeNull();
        expect(await store.dispatches.get(runKey)).toEqual(done);
        expect(await store.dispatches.complete(`unknown-${randomUUID()}`, 'success')).toBeNull();
        expect(await store.dispatches.attachRun(`unknown-${randomUUID()}`, 1, 'u')).toBeNull();
      });

      it('re-dispatch a run that never started once per attempt, even when heartbeats race', async () => {
        const repository = newRepository();
        const item = await newIssueItem(repository);
        const runKey = `run-${randomUUID()}`;
        await store.dispatches.create({ runKey, itemId: item.id, repository, stage: 'plan' });
        const raced = await Promise.all([
          store.dispatches.redispatch(runKey, 1),
          store.dispatches.redispatch(runKey, 1),
        ]);
        expect(raced.filter((dispatch) => dispatch !== null)).toEqual([
          expect.objectContaining({ attempts: 2, status: 'dispatched', runId: null }),
        ]);
        await store.dispatches.markRunning(runKey, {
          runId: 12345 + repositoryCounter,
          runUrl: 'https://example/run',
        });
        expect(await store.dispatches.redispatch(runKey, 2)).toBeNull();
      });

      it("refuse a dispatch outside its item's repository", async () => {
        const item = await newIssueItem();
        await expect(
          store.dispatches.create({
            runKey: `run-${randomUUID()}`,
            itemId: item.id,
            repository: newRepository(),
            stage: 'plan',
          }),
        ).rejects.toThrow();
      });
    });

    describe('audit log', () => {
      it('lists entries newest first, filtered by repository and item, limited', async () => {
        const repository = newRepository();
        const item = await newIssueItem(repository);
        for (const action of ['issues.addLabels', 'issues.createComment', 'pulls.merge']) {
          await store.audit.append({
            actor: 'app',
            action,
            target: `${repository}#1`,
            repository,
            itemId: item.id,
          });
        }
        await store.audit.append({ actor: 'carol', action: 'repos.pause', target: repository, repository });
        const entry = await store.audit.append({
          actor: 'app',
          action: 'other',
          target: 'x',
          runId: 8_000_000_001,
        });
        expect(entry).toMatchObject({
          repository: null,
          itemId: null,
          runKey: null,
          runId: 8_000_000_001,
          detail: {},
        });

        expect((await store.audit.list({ repository })).map((e) => e.action)).toEqual([
          'repos.pause',
          'pulls.merge',
          'issues.createComment',
          'issues.addLabels',
        ]);
        expect((await store.audit.list({ itemId: item.id, limit: 2 })).map((e) => e.action)).toEqual([
          'pulls.merge',
          'issues.createComment',
        ]);
      });

      it('is append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
        const repository = newRepository();
        const entry = await store.audit.append({
          actor: 'app',
          action: 'pulls.merge',
          target: repository,
          repository,
        });
        await expect(
          engine.query(`UPDATE audit_log SET actor = 'mallory' WHERE id = $1`, [entry.id]),
        ).rejects.toThrow(/append-only/);
        await expect(engine.query('DELETE FROM audit_log WHERE id = $1', [entry.id])).rejects.toThrow(
          /append-only/,
        );
        await expect(engine.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
        expect(await store.audit.list({ repository })).toEqual([entry]);
      });
    });

    describe('lessons', () => {
      it('keep only the newest N per repository', async () => {
        const repository = newRepository();
        const other = newRepository();
        await store.lessons.add(other, 'Other repository lesson', 'approval', 5);
        for (let n = 1; n <= 7; n += 1) {
          const kept = await store.lessons.add(
            repository,
            `Lesson ${n}`,
            n % 2 === 0 ? 'failure' : 'rejection',
            5,
          );
          expect(kept.length).toBe(Math.min(n, 5));
        }
        expect((await store.lessons.list(repository, 5)).map((l) => l.text)).toEqual([
          'Lesson 7',
          'Lesson 6',
          'Lesson 5',
          'Lesson 4',
          'Lesson 3',
        ]);
        expect(await count('lessons', 'repository = $1', [repository])).toBe(5);
        expect((await store.lessons.list(repository, 2)).map((l) => l.text)).toEqual([
          'Lesson 7',
          'Lesson 6',
        ]);

        // Learning a kept lesson again makes it the newest instead of adding a second copy.
        const relearnt = await store.lessons.add(repository, 'Lesson 3', 'retry', 5);
        expect(relearnt.map((l) => `${l.text}/${l.source}`)).toEqual([
          'Lesson 3/retry',
          'Lesson 7/rejection',
          'Lesson 6/failure',
          'Lesson 5/rejection',
          'Lesson 4/failure',
        ]);
        // A lower bound from the policy prunes at the next addition.
        expect((await store.lessons.add(repository, 'Lesson 8', 'approval', 2)).map((l) => l.text)).toEqual([
          'Lesson 8',
          'Lesson 3',
        ]);
        expect(await count('lessons', 'repository = $1', [repository])).toBe(2);
        expect(await store.lessons.list(other, 5)).toHaveLength(1);
        await expect(store.lessons.add(repository, 'too many', 'retry', 6)).rejects.toBeInstanceOf(
          RangeError,
        );
        await expect(store.lessons.list(repository, -1)).rejects.toBeInstanceOf(RangeError);
        await expect(store.lessons.add(repository, '', 'retry', 5)).rejects.toThrow();
      });

      it('stay within the bound under concurrent additions', async () => {
        const repository = newRepository();
        await Promise.all(
          Array.from({ length: 6 }, (_, n) => store.lessons.add(repository, `Concurrent ${n}`, 'failure', 2)),
        );
        expect(await count('lessons', 'repository = $1', [repository])).toBe(2);
      });
    });

    describe('usage ledger', () => {
      it('sums per item (with its stories), per repository and per day, counting a run once', async () => {
        const testStartDay = new Date().toISOString().slice(0, 10);
        const repository = newRepository();
        const epic = await newIssueItem(repository, 1);
        const { item: story } = await store.workItems.create({
          repository,
          issueNumber: 2,
          kind: 'story',
          storyId: 'A',
          parentId: epic.id,
          state: 'implementing',
          data: {},
        });
        const planRun = `plan-${randomUUID()}`;
        expect(
          await store.usage.add({
            ...usage(repository, epic.id, 0.1, planRun),
            stage: 'plan',
            role: 'planner',
          }),
        ).toBe('new');
        expect(
          await store.usage.add({
            ...usage(repository, epic.id, 0.1, planRun),
            stage: 'plan',
            role: 'planner',
          }),
        ).toBe('duplicate');
        expect(await store.usage.add(usage(repository, story.id, 0.25, `impl-${randomUUID()}`))).toBe('new');
        expect(await store.usage.add(usage(repository, story.id, 0.125))).toBe('new');
        expect(await store.usage.add(usage(repository, null, 2))).toBe('new');
        await store.usage.add(usage(newRepository(), null, 100));

        expect(await store.usage.totalsForItem(story.id)).toEqual({
          entries: 2,
          tokensIn: 2000,
          tokensOut: 400,
          cacheReadTokens: 1400,
          cacheWriteTokens: 100,
          costUsd: 0.375,
        });
        expect(await store.usage.totalsForItem(epic.id)).toMatchObject({
          entries: 3,
          tokensIn: 3000,
          costUsd: 0.475,
        });
        expect(await store.usage.totalsForRepository(repository)).toMatchObject({
          entries: 4,
          costUsd: 2.475,
        });
        expect(await store.usage.totalsForRepository(repository, new Date(Date.now() + 60_000))).toEqual({
          entries: 0,
          tokensIn: 0,
          tokensOut: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          costUsd: 0,
        });
        // A day in the past, written directly: the API always records usage at the current time.
        await engine.query(
          `INSERT INTO usage_ledger (repository, stage, role, tokens_in, tokens_out, cache_read_tokens,
             cache_write_tokens, cost_usd, at) VALUES ($1, 'review', 'security', 10, 1, 0, 0, 0.01, $2)`,
          [repository, '2024-02-29T23:30:00Z'],
        );
        const daily = await store.usage.dailyForRepository(repository, new Date('2024-02-01T00:00:00Z'));
        expect(daily[0]).toMatchObject({ day: '2024-02-29', entries: 1, tokensIn: 10, costUsd: 0.01 });
        // The rest were written moments ago: today, UTC (or today and yesterday, run across midnight).
        const recent = daily.slice(1);
        expect(recent.every((d) => d.day >= testStartDay)).toBe(true);
        expect(recent.reduce((sum, d) => sum + d.entries, 0)).toBe(4);
        expect(await store.usage.dailyForRepository(repository, new Date('2024-03-01T00:00:00Z'))).toEqual(
          recent,
        );
        await expect(store.usage.add({ ...usage(repository, null, 1), tokensIn: -1 })).rejects.toThrow();
      });
    });
  });
}
