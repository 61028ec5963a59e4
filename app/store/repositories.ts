/**
 * Repositories the app is installed on: installation id, the `/pause` kill switch and the dashboard issue.
 */
import type { Queryable, Row } from './engine.js';
import { NotFoundError } from './errors.js';
import { bool, optionalInteger, optionalText, optionalTimestamp, single, text, timestamp } from './rows.js';

export interface RepositoryRecord {
  /** `owner/name`, as GitHub spells it in payloads. */
  fullName: string;
  installationId: number | null;
  paused: boolean;
  /** Who set `paused` to its current value, and when; null until someone first pauses. */
  pausedChangedBy: string | null;
  pausedChangedAt: string | null;
  dashboardIssue: number | null;
  createdAt: string;
  updatedAt: string;
}

function toRepository(row: Row): RepositoryRecord {
  return {
    fullName: text(row, 'full_name'),
    installationId: optionalInteger(row, 'installation_id'),
    paused: bool(row, 'paused'),
    pausedChangedBy: optionalText(row, 'paused_changed_by'),
    pausedChangedAt: optionalTimestamp(row, 'paused_changed_at'),
    dashboardIssue: optionalInteger(row, 'dashboard_issue'),
    createdAt: timestamp(row, 'created_at'),
    updatedAt: timestamp(row, 'updated_at'),
  };
}

export class Repositories {
  constructor(private readonly db: Queryable) {}

  /** The repository, or null if the app has never recorded it. */
  async get(fullName: string): Promise<RepositoryRecord | null> {
    const [row] = await this.db.query('SELECT * FROM repositories WHERE full_name = $1', [fullName]);
    return row === undefined ? null : toRepository(row);
  }

  /**
   * Records the repository with its installation id, or updates the id of one already recorded (a
   * reinstall gets a new id); the pause flag and dashboard issue are kept.
   */
  async upsert(fullName: string, installationId: number): Promise<RepositoryRecord> {
    const rows = await this.db.query(
      `INSERT INTO repositories (full_name, installation_id) VALUES ($1, $2)
       ON CONFLICT (full_name) DO UPDATE SET installation_id = excluded.installation_id, updated_at = now()
       RETURNING *`,
      [fullName, installationId],
    );
    return toRepository(single(rows, 'repositories.upsert'));
  }

  /**
   * Sets the kill switch and who set it. Records the repository if it is not yet known, because a
   * `/pause` must never fail for want of a row.
   */
  async setPaused(fullName: string, paused: boolean, actor: string): Promise<RepositoryRecord> {
    const rows = await this.db.query(
      `INSERT INTO repositories (full_name, paused, paused_changed_by, paused_changed_at)
       VALUES ($1, $2, $3, now())
       ON CONFLICT (full_name) DO UPDATE SET paused = excluded.paused,
         paused_changed_by = excluded.paused_changed_by, paused_changed_at = now(), updated_at = now()
       RETURNING *`,
      [fullName, paused, actor],
    );
    return toRepository(single(rows, 'repositories.setPaused'));
  }

  /** Every repository the app has recorded, by name. */
  async list(): Promise<RepositoryRecord[]> {
    const rows = await this.db.query('SELECT * FROM repositories ORDER BY full_name');
    return rows.map(toRepository);
  }

  /** Whether the repository is paused; a repository never recorded is not. */
  async isPaused(fullName: string): Promise<boolean> {
    const [row] = await this.db.query('SELECT paused FROM repositories WHERE full_name = $1', [fullName]);
    return row !== undefined && bool(row, 'paused');
  }

  /** Records the dashboard issue's number (null: none); throws NotFoundError for an unknown repository. */
  async setDashboardIssue(fullName: string, issueNumber: number | null): Promise<RepositoryRecord> {
    const [row] = await this.db.query(
      `UPDATE repositories SET dashboard_issue = $2, updated_at = now() WHERE full_name = $1 RETURNING *`,
      [fullName, issueNumber],
    );
    if (row === undefined) throw new NotFoundError('repository', fullName);
    return toRepository(row);
  }
}
