/**
 * Work items: one per issue (and one per story of an epic), stored as the workflow's JSON document plus
 * the columns the app looks items up by. Every change is guarded by the item's version, so two writers
 * that read the same version can't both move it.
 */
import type { Queryable, Row } from './engine.js';
import { NotFoundError, VersionConflictError } from './errors.js';
import { integer, json, optionalInteger, optionalText, single, text, timestamp, toJson } from './rows.js';

export interface WorkItemRecord {
  id: string;
  /** `owner/name`. */
  repository: string;
  issueNumber: number;
  /** The workflow's kind of item (the store does not interpret it). */
  kind: string;
  /** The story's id within its epic's plan; null for an item that is not a story. */
  storyId: string | null;
  /** The item this one belongs to (a story's epic), or null. */
  parentId: string | null;
  /** The pull request the item is delivered through, once there is one. */
  prNumber: number | null;
  /** The workflow's state (the store does not interpret it). */
  state: string;
  /** 1 when created, +1 on every update. */
  version: number;
  /** The workflow's document, as stored. */
  data: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface NewWorkItem {
  repository: string;
  issueNumber: number;
  kind: string;
  /** Non-empty when given. */
  storyId?: string | null;
  parentId?: string | null;
  state: string;
  /** Any JSON-serialisable value. */
  data: unknown;
}

/** What an update writes: the new state and document, and optionally the PR (null clears it). */
export interface WorkItemChange {
  state: string;
  data: unknown;
  prNumber?: number | null;
}

export interface WorkItemFilter {
  repository?: string;
  /** Only items in one of these states. */
  states?: readonly string[];
  /** Only the items of this parent (an epic's stories). */
  parentId?: string;
  /** At most this many; all when absent. */
  limit?: number;
  /** Most recently updated first, instead of oldest created first. */
  newestFirst?: boolean;
}

function toWorkItem(row: Row): WorkItemRecord {
  const storyId = text(row, 'story_id');
  return {
    id: text(row, 'id'),
    repository: text(row, 'repository'),
    issueNumber: integer(row, 'issue_number'),
    kind: text(row, 'kind'),
    storyId: storyId === '' ? null : storyId,
    parentId: optionalText(row, 'parent_id'),
    prNumber: optionalInteger(row, 'pr_number'),
    state: text(row, 'state'),
    version: integer(row, 'version'),
    data: json(row, 'data'),
    createdAt: timestamp(row, 'created_at'),
    updatedAt: timestamp(row, 'updated_at'),
  };
}

export class WorkItems {
  constructor(private readonly db: Queryable) {}

  /**
   * Creates the item for (repository, issue number, story id), or returns the one already there, with
   * `created` telling which; atomic, so a redelivered or concurrent trigger creates one item. The existing
   * item is returned as stored, not overwritten with `item`.
   */
  async create(item: NewWorkItem): Promise<{ item: WorkItemRecord; created: boolean }> {
    if (item.storyId === '') throw new RangeError('store: a story id must be non-empty (or null for none)');
    const storyKey = item.storyId ?? '';
    const inserted = await this.db.query(
      `INSERT INTO work_items (repository, issue_number, kind, story_id, parent_id, state, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
       ON CONFLICT (repository, issue_number, story_id) DO NOTHING
       RETURNING *`,
      [
        item.repository,
        item.issueNumber,
        item.kind,
        storyKey,
        item.parentId ?? null,
        item.state,
        toJson(item.data, 'work item data'),
      ],
    );
    const [row] = inserted;
    if (row !== undefined) return { item: toWorkItem(row), created: true };
    const existing = await this.db.query(
      'SELECT * FROM work_items WHERE repository = $1 AND issue_number = $2 AND story_id = $3',
      [item.repository, item.issueNumber, storyKey],
    );
    return { item: toWorkItem(single(existing, 'work_items.create (existing)')), created: false };
  }

  /** The item, or null. */
  async get(id: string): Promise<WorkItemRecord | null> {
    const [row] = await this.db.query('SELECT * FROM work_items WHERE id = $1', [id]);
    return row === undefined ? null : toWorkItem(row);
  }

  /**
   * The item of an issue: the one that is not a story if there is one (the issue's own item), else the
   * earliest story item filed under that issue number (a story tracked on its own sub-issue); null if none.
   */
  async getByIssue(repository: string, issueNumber: number): Promise<WorkItemRecord | null> {
    const [row] = await this.db.query(
      `SELECT * FROM work_items WHERE repository = $1 AND issue_number = $2
       ORDER BY story_id <> '', created_at, id LIMIT 1`,
      [repository, issueNumber],
    );
    return row === undefined ? null : toWorkItem(row);
  }

  /** The story item with this story id under the given parent item, or null. */
  async getByStory(parentId: string, storyId: string): Promise<WorkItemRecord | null> {
    const [row] = await this.db.query('SELECT * FROM work_items WHERE parent_id = $1 AND story_id = $2', [
      parentId,
      storyId,
    ]);
    return row === undefined ? null : toWorkItem(row);
  }

  /** The item delivered through this pull request, or null. */
  async getByPr(repository: string, prNumber: number): Promise<WorkItemRecord | null> {
    const [row] = await this.db.query('SELECT * FROM work_items WHERE repository = $1 AND pr_number = $2', [
      repository,
      prNumber,
    ]);
    return row === undefined ? null : toWorkItem(row);
  }

  /** The items matching every given condition, oldest first (or newest first, see the filter). */
  async list(filter: WorkItemFilter = {}): Promise<WorkItemRecord[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const where = (condition: (placeholder: string) => string, value: unknown): void => {
      params.push(value);
      conditions.push(condition(`$${params.length}`));
    };
    if (filter.repository !== undefined) where((p) => `repository = ${p}`, filter.repository);
    if (filter.states !== undefined) where((p) => `state = ANY(${p}::text[])`, [...filter.states]);
    if (filter.parentId !== undefined) where((p) => `parent_id = ${p}`, filter.parentId);
    let sql = 'SELECT * FROM work_items';
    if (conditions.length > 0) sql += ` WHERE ${conditions.join(' AND ')}`;
    sql += filter.newestFirst === true ? ' ORDER BY updated_at DESC, id' : ' ORDER BY created_at, id';
    if (filter.limit !== undefined) {
      params.push(filter.limit);
      sql += ` LIMIT $${params.length}`;
    }
    return (await this.db.query(sql, params)).map(toWorkItem);
  }

  /** How many items are in each state, of one repository or all (states without items are absent). */
  async countByState(repository?: string): Promise<Record<string, number>> {
    const rows = await this.db.query(
      'SELECT state, count(*) AS items FROM work_items WHERE ($1::text IS NULL OR repository = $1) GROUP BY state',
      [repository ?? null],
    );
    return Object.fromEntries(rows.map((row) => [text(row, 'state'), integer(row, 'items')]));
  }

  /**
   * Writes `change` if the item is still at `expectedVersion`, and returns it at the next version. Throws
   * VersionConflictError if another writer moved it first, NotFoundError if there is no such item; either
   * way nothing is written. The check and the write are one statement, so it holds under concurrency.
   */
  async update(id: string, expectedVersion: number, change: WorkItemChange): Promise<WorkItemRecord> {
    const setPr = change.prNumber !== undefined;
    const [row] = await this.db.query(
      `UPDATE work_items
       SET state = $3, data = $4::jsonb, pr_number = CASE WHEN $5 THEN $6::integer ELSE pr_number END,
           version = version + 1, updated_at = now()
       WHERE id = $1 AND version = $2
       RETURNING *`,
      [
        id,
        expectedVersion,
        change.state,
        toJson(change.data, 'work item data'),
        setPr,
        change.prNumber ?? null,
      ],
    );
    if (row !== undefined) return toWorkItem(row);
    const [current] = await this.db.query('SELECT version FROM work_items WHERE id = $1', [id]);
    if (current === undefined) throw new NotFoundError('work item', id);
    throw new VersionConflictError(id, expectedVersion, integer(current, 'version'));
  }
}
