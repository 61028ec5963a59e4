/**
 * The store on embedded PGlite: the shared suite in memory, and a data folder that survives a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { openStore, storeOptionsFromEnv } from '../../../app/store/index.js';
import { pgliteHarness } from './harness.js';
import { storeSuite } from './suite.js';

storeSuite(pgliteHarness);

describe('store on a PGlite data folder', () => {
  it('keeps its data across a restart and does not migrate twice', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'store-pglite-'));
    // A folder whose parent doesn't exist yet, as DATA_DIR may name one.
    const dataDir = join(parent, 'nested', 'data');
    try {
      const first = await openStore(storeOptionsFromEnv({ DATA_DIR: dataDir, DATABASE_URL: '' }));
      expect(first.engine).toBe('pglite');
      const { item } = await first.workItems.create({
        repository: 'octo/restart',
        issueNumber: 3,
        kind: 'issue',
        state: 'planning',
        data: { plan: null },
      });
      const moved = await first.workItems.update(item.id, 1, {
        state: 'awaiting_plan_approval',
        data: { plan: 'p' },
      });
      expect(await first.deliveries.record('delivery-1', 'issues', 'labeled')).toBe('new');
      await first.audit.append({
        actor: 'app',
        action: 'issues.addLabels',
        target: 'octo/restart#3',
        itemId: item.id,
      });
      await first.lessons.add('octo/restart', 'Run the linter before committing', 'failure', 5);
      await first.close();

      const second = await openStore({ dataDir });
      try {
        expect(await second.workItems.getByIssue('octo/restart', 3)).toEqual(moved);
        expect(await second.deliveries.record('delivery-1', 'issues', 'labeled')).toBe('duplicate');
        expect((await second.audit.list({ itemId: item.id })).map((e) => e.action)).toEqual([
          'issues.addLabels',
        ]);
        expect((await second.lessons.list('octo/restart', 5)).map((l) => l.text)).toEqual([
          'Run the linter before committing',
        ]);
        await expect(second.workItems.update(item.id, 1, { state: 'x', data: {} })).rejects.toThrow(
          /version 2/,
        );
      } finally {
        await second.close();
      }
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  }, 120_000);
});
