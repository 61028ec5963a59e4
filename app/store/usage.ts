/**
 * The usage and cost ledger: model tokens and dollars per stage run and role, summed per item, per
 * repository and per day.
 */
import type { Queryable, Row } from './engine.js';
import type { Claim } from './deliveries.js';
import { decimal, integer, text } from './rows.js';

export interface NewUsage {
  repository: string;
  itemId?: string | null;
  stage: string;
  /** The model role that spent it, e.g. `planner`, `developer`, `security`. */
  role: string;
  /** The dispatch's run key; an entry with one is recorded once per (run key, stage, role). */
  runKey?: string | null;
  tokensIn: number;
  tokensOut: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

export interface UsageTotals {
  /** How many ledger entries were summed. */
  entries: number;
  tokensIn: number;
  tokensOut: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

export interface DailyUsage extends UsageTotals {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
}

export interface RepositoryDailyUsage extends DailyUsage {
  repository: string;
}

const SUMS = `count(*) AS entries,
  COALESCE(sum(tokens_in), 0) AS tokens_in, COALESCE(sum(tokens_out), 0) AS tokens_out,
  COALESCE(sum(cache_read_tokens), 0) AS cache_read_tokens,
  COALESCE(sum(cache_write_tokens), 0) AS cache_write_tokens,
  COALESCE(sum(cost_usd), 0) AS cost_usd`;

function toTotals(row: Row): UsageTotals {
  return {
    entries: integer(row, 'entries'),
    tokensIn: integer(row, 'tokens_in'),
    tokensOut: integer(row, 'tokens_out'),
    cacheReadTokens: integer(row, 'cache_read_tokens'),
    cacheWriteTokens: integer(row, 'cache_write_tokens'),
    costUsd: decimal(row, 'cost_usd'),
  };
}

function firstRow(rows: Row[]): Row {
  const [row] = rows;
  // An aggregate without GROUP BY always returns one row.
  if (row === undefined) throw new Error('store: usage aggregate returned no row');
  return row;
}

export class UsageLedger {
  constructor(private readonly db: Queryable) {}

  /**
   * Adds an entry. Returns 'new', or 'duplicate' when the same run key, stage and role was already
   * recorded (a result delivered twice is paid for once). Negative amounts are refused by the schema.
   */
  async add(usage: NewUsage): Promise<Claim> {
    const rows = await this.db.query(
      `INSERT INTO usage_ledger (repository, item_id, stage, role, run_key,
         tokens_in, tokens_out, cache_read_tokens, cache_write_tokens, cost_usd)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (run_key, stage, role) WHERE run_key IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        usage.repository,
        usage.itemId ?? null,
        usage.stage,
        usage.role,
        usage.runKey ?? null,
        usage.tokensIn,
        usage.tokensOut,
        usage.cacheReadTokens,
        usage.cacheWriteTokens,
        usage.costUsd,
      ],
    );
    return rows.length === 1 ? 'new' : 'duplicate';
  }

  /** Totals for an item and every item under it (an epic's stories), so an epic's cost includes its stories'. */
  async totalsForItem(itemId: string): Promise<UsageTotals> {
    const rows = await this.db.query(
      `WITH RECURSIVE tree (id) AS (
         SELECT $1::uuid
         UNION ALL SELECT child.id FROM work_items child JOIN tree ON child.parent_id = tree.id
       )
       SELECT ${SUMS} FROM usage_ledger WHERE item_id IN (SELECT id FROM tree)`,
      [itemId],
    );
    return toTotals(firstRow(rows));
  }

  /** Totals for a repository, counting entries at or after `since` (all entries when absent). */
  async totalsForRepository(repository: string, since?: Date): Promise<UsageTotals> {
    const rows = await this.db.query(
      `SELECT ${SUMS} FROM usage_ledger WHERE repository = $1 AND ($2::timestamptz IS NULL OR at >= $2)`,
      [repository, since?.toISOString() ?? null],
    );
    return toTotals(firstRow(rows));
  }

  /** Totals per UTC day for a repository, from `since` on, oldest day first; days without usage are absent. */
  async dailyForRepository(repository: string, since: Date): Promise<DailyUsage[]> {
    const rows = await this.db.query(
      `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, ${SUMS}
       FROM usage_ledger WHERE repository = $1 AND at >= $2::timestamptz
       GROUP BY 1 ORDER BY 1`,
      [repository, since.toISOString()],
    );
    return rows.map((row) => ({ day: text(row, 'day'), ...toTotals(row) }));
  }

  /**
   * Totals per item, for the items with usage, each counting only its own entries (an epic's stories are
   * separate items: add them up where an epic's whole cost is wanted, as `totalsForItem` does).
   */
  async totalsByItem(): Promise<Map<string, UsageTotals>> {
    const rows = await this.db.query(
      `SELECT item_id, ${SUMS} FROM usage_ledger WHERE item_id IS NOT NULL GROUP BY item_id`,
    );
    return new Map(rows.map((row) => [text(row, 'item_id'), toTotals(row)]));
  }

  /** Totals per UTC day and repository, from `since` on, oldest day first, then by repository. */
  async daily(since: Date): Promise<RepositoryDailyUsage[]> {
    const rows = await this.db.query(
      `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, repository, ${SUMS}
       FROM usage_ledger WHERE at >= $1::timestamptz
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [since.toISOString()],
    );
    return rows.map((row) => ({
      day: text(row, 'day'),
      repository: text(row, 'repository'),
      ...toTotals(row),
    }));
  }

  /** Totals per repository over all time, by repository name. */
  async byRepository(): Promise<Map<string, UsageTotals>> {
    const rows = await this.db.query(`SELECT repository, ${SUMS} FROM usage_ledger GROUP BY repository`);
    return new Map(rows.map((row) => [text(row, 'repository'), toTotals(row)]));
  }
}
