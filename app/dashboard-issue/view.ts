/** What one repository's dashboard issue shows, read from the store. */
import { MAX_LESSONS } from '../store/index.js';
import type { DailyUsage, Store, UsageTotals } from '../store/index.js';
import { isActive, summarize } from '../overview/items.js';
import type { ItemSummary } from '../overview/items.js';

/** How many days of spend the issue lists. */
export const COST_DAYS = 7;

export interface DashboardIssueView {
  repository: string;
  paused: boolean;
  pausedBy: string | null;
  pausedAt: string | null;
  /** Items at work (not waiting, failed, done or cancelled), oldest first. */
  active: ItemSummary[];
  /** Items waiting for a human, oldest first. */
  waiting: ItemSummary[];
  /** Failed items, newest first. */
  failures: ItemSummary[];
  /** The repository's lessons, newest first (at most the policy's bound, ≤ 5). */
  lessons: string[];
  cost: UsageTotals;
  /** Spend per day of the last {@link COST_DAYS} days, oldest first; days without spend are absent. */
  daily: DailyUsage[];
}

/** The view of `repository`; `lessons` is the policy's `lessons.max`. */
export async function dashboardIssueView(
  store: Store,
  repository: string,
  lessons: number,
  now: Date,
): Promise<DashboardIssueView> {
  const record = await store.repositories.get(repository);
  const items = (await store.workItems.list({ repository })).filter((item) => isActive(item.state));
  const summaries = await summarize(store, items);
  const since = new Date(now.getTime() - (COST_DAYS - 1) * 86_400_000);
  since.setUTCHours(0, 0, 0, 0);
  return {
    repository,
    paused: record?.paused ?? false,
    pausedBy: record?.pausedChangedBy ?? null,
    pausedAt: record?.pausedChangedAt ?? null,
    active: summaries.filter((item) => item.waiting === null && item.failure === null),
    waiting: summaries.filter((item) => item.waiting !== null),
    failures: summaries
      .filter((item) => item.failure !== null)
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)),
    lessons: (await store.lessons.list(repository, Math.min(Math.max(lessons, 0), MAX_LESSONS))).map(
      (lesson) => lesson.text,
    ),
    cost: await store.usage.totalsForRepository(repository),
    daily: await store.usage.dailyForRepository(repository, since),
  };
}
