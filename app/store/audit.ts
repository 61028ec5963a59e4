/**
 * The audit log: one row per external write the system makes (who, what, on which target, for which item
 * and run). Append-only: a trigger in the schema refuses UPDATE, DELETE and TRUNCATE on both engines.
 */
import type { Queryable, Row } from './engine.js';
import {
  integer,
  jsonObject,
  optionalInteger,
  optionalText,
  single,
  text,
  timestamp,
  toJson,
} from './rows.js';

export interface AuditEntry {
  /** Increases with every entry; the log's order. */
  id: number;
  at: string;
  /** Who caused the write: a GitHub login, or the app itself for the heartbeat. */
  actor: string;
  /** What was done, e.g. `issues.addLabels`, `actions.createWorkflowDispatch`, `pulls.merge`. */
  action: string;
  /** What it was done to, e.g. `owner/repo#12`. */
  target: string;
  repository: string | null;
  itemId: string | null;
  runKey: string | null;
  runId: number | null;
  /** Anything else worth keeping (a JSON object). */
  detail: Record<string, unknown>;
}

export interface NewAuditEntry {
  actor: string;
  action: string;
  target: string;
  repository?: string | null;
  itemId?: string | null;
  runKey?: string | null;
  runId?: number | null;
  detail?: Record<string, unknown>;
}

export interface AuditFilter {
  repository?: string;
  itemId?: string;
  /** At most this many, newest first; default 100. */
  limit?: number;
}

function toAuditEntry(row: Row): AuditEntry {
  return {
    id: integer(row, 'id'),
    at: timestamp(row, 'at'),
    actor: text(row, 'actor'),
    action: text(row, 'action'),
    target: text(row, 'target'),
    repository: optionalText(row, 'repository'),
    itemId: optionalText(row, 'item_id'),
    runKey: optionalText(row, 'run_key'),
    runId: optionalInteger(row, 'run_id'),
    detail: jsonObject(row, 'detail'),
  };
}

export class AuditLog {
  constructor(private readonly db: Queryable) {}

  /** Appends an entry and returns it as stored. */
  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const rows = await this.db.query(
      `INSERT INTO audit_log (actor, action, target, repository, item_id, run_key, run_id, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) RETURNING *`,
      [
        entry.actor,
        entry.action,
        entry.target,
        entry.repository ?? null,
        entry.itemId ?? null,
        entry.runKey ?? null,
        entry.runId ?? null,
        toJson(entry.detail ?? {}, 'audit detail'),
      ],
    );
    return toAuditEntry(single(rows, 'audit_log.append'));
  }

  /** The entries matching every given condition, newest first. */
  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const rows = await this.db.query(
      `SELECT * FROM audit_log
       WHERE ($1::text IS NULL OR repository = $1) AND ($2::uuid IS NULL OR item_id = $2)
       ORDER BY id DESC LIMIT $3`,
      [filter.repository ?? null, filter.itemId ?? null, filter.limit ?? 100],
    );
    return rows.map(toAuditEntry);
  }
}
