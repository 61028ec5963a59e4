/**
 * What the web dashboard shows, read from the store in one go: the JSON API returns it as it is and the
 * page renders it. Across installations and repositories, optionally narrowed to one repository (and the
 * audit log to one item).
 */
import { WORK_STATES } from '../../core/workflow.js';
import { isActive, summarize } from '../overview/items.js';
import type { ItemSummary } from '../overview/items.js';
import type { AuditEntry, AuditFilter, RepositoryDailyUsage, Store, UsageTotals } from '../store/index.js';
import { issueUrl, pullUrl, repositoryUrl } from './links.js';
import type { HeartbeatStatus } from './types.js';

/** Finished items (done, cancelled) shown besides the ones still going, most recent first. */
const RECENT_FINISHED = 20;
/** Days of spend shown. */
export const COST_DAYS = 14;
/** Audit entries shown, newest first. */
export const AUDIT_LIMIT = 100;

export interface DashboardFilter {
  /** `owner/name`. */
  repository?: string;
  /** A work item's id (narrows the audit log). */
  item?: string;
}

export interface ItemRow extends ItemSummary {
  url: string;
  prUrl: string | null;
  /** Its cost, an epic's including its stories'. */
  cost: UsageTotals;
}

export interface RepositoryRow {
  fullName: string;
  url: string;
  installationId: number | null;
  paused: boolean;
  pausedBy: string | null;
  pausedAt: string | null;
  dashboardIssueUrl: string | null;
  cost: UsageTotals;
}

export interface DashboardData {
  generatedAt: string;
  filter: DashboardFilter;
  /** Work items by state (with the filter's repository), every state listed. */
  states: Record<string, number>;
  /** Items still going, then the most recently finished ones. */
  items: ItemRow[];
  waiting: ItemRow[];
  /** Failed items, most recent first. */
  failures: ItemRow[];
  repositories: RepositoryRow[];
  cost: { total: UsageTotals; daily: RepositoryDailyUsage[] };
  heartbeat: HeartbeatStatus;
  audit: AuditEntry[];
}

export const NO_COST: UsageTotals = {
  entries: 0,
  tokensIn: 0,
  tokensOut: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd: 0,
};

function add(a: UsageTotals, b: UsageTotals): UsageTotals {
  return {
    entries: a.entries + b.entries,
    tokensIn: a.tokensIn + b.tokensIn,
    tokensOut: a.tokensOut + b.tokensOut,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    // Cents summed as dollars drift (0.1 + 0.2); the ledger keeps 6 decimals.
    costUsd: Math.round((a.costUsd + b.costUsd) * 1e6) / 1e6,
  };
}

/** The store's audit filter for a dashboard filter. */
export function auditFilter(filter: DashboardFilter, limit: number): AuditFilter {
  return {
    ...(filter.repository === undefined ? {} : { repository: filter.repository }),
    ...(filter.item === undefined ? {} : { itemId: filter.item }),
    limit,
  };
}

export interface DataOptions {
  store: Store;
  /** GitHub's web address (links). */
  web: string;
  heartbeat: HeartbeatStatus;
  now: Date;
}

export async function dashboardData(options: DataOptions, filter: DashboardFilter): Promise<DashboardData> {
  const { store, web } = options;
  const repository = filter.repository;
  const scope = repository === undefined ? {} : { repository };
  const going = await store.workItems.list({
    ...scope,
    states: WORK_STATES.filter((state) => isActive(state)),
  });
  const finished = await store.workItems.list({
    ...scope,
    states: WORK_STATES.filter((state) => !isActive(state)),
    newestFirst: true,
    limit: RECENT_FINISHED,
  });
  const records = [...going, ...finished];
  const usage = await store.usage.totalsByItem();
  // An epic's cost includes its stories', as in its tracking comment.
  const costs = new Map<string, UsageTotals>();
  const withChildren = [...records];
  const known = new Set(records.map((record) => record.id));
  for (const record of records.filter((candidate) => candidate.kind === 'epic')) {
    for (const child of await store.workItems.list({ parentId: record.id }))
      if (!known.has(child.id)) {
        known.add(child.id);
        withChildren.push(child);
      }
  }
  for (const record of withChildren) {
    const own = usage.get(record.id) ?? NO_COST;
    costs.set(record.id, add(costs.get(record.id) ?? NO_COST, own));
    if (record.parentId !== null) costs.set(record.parentId, add(costs.get(record.parentId) ?? NO_COST, own));
  }
  const items: ItemRow[] = (await summarize(store, records)).map((summary) => ({
    ...summary,
    url: issueUrl(web, summary.repository, summary.issue),
    prUrl: summary.pr === null ? null : pullUrl(web, summary.repository, summary.pr),
    cost: costs.get(summary.id) ?? NO_COST,
  }));

  const states: Record<string, number> = {};
  for (const state of WORK_STATES) states[state] = 0;
  Object.assign(states, await store.workItems.countByState(repository));

  const byRepository = await store.usage.byRepository();
  const repositories = (await store.repositories.list())
    .filter((record) => repository === undefined || record.fullName === repository)
    .map((record): RepositoryRow => ({
      fullName: record.fullName,
      url: repositoryUrl(web, record.fullName),
      installationId: record.installationId,
      paused: record.paused,
      pausedBy: record.pausedChangedBy,
      pausedAt: record.pausedChangedAt,
      dashboardIssueUrl:
        record.dashboardIssue === null ? null : issueUrl(web, record.fullName, record.dashboardIssue),
      cost: byRepository.get(record.fullName) ?? NO_COST,
    }));
  const since = new Date(options.now.getTime() - (COST_DAYS - 1) * 86_400_000);
  since.setUTCHours(0, 0, 0, 0);
  const daily = (await store.usage.daily(since)).filter(
    (day) => repository === undefined || day.repository === repository,
  );
  const total = repositories.reduce((sum, row) => add(sum, row.cost), NO_COST);

  return {
    generatedAt: options.now.toISOString(),
    filter,
    states,
    items,
    waiting: items.filter((item) => item.waiting !== null),
    failures: items
      .filter((item) => item.failure !== null)
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)),
    repositories,
    cost: { total, daily },
    heartbeat: options.heartbeat,
    audit: await store.audit.list(auditFilter(filter, AUDIT_LIMIT)),
  };
}
