/**
 * The store's schema, as numbered migrations. A migration is never edited once released: a change to the
 * schema is a new migration with the next number. Each statement is run on its own (one statement per
 * string), because a parameterised query protocol takes one statement at a time on both engines.
 */

export interface Migration {
  /** 1, 2, 3 … in order, without gaps. */
  readonly version: number;
  /** What it does, recorded with it. */
  readonly name: string;
  readonly statements: readonly string[];
}

const initialSchema: Migration = {
  version: 1,
  name: 'work items, deliveries, dispatches, audit log, usage ledger, lessons',
  statements: [
    `CREATE TABLE repositories (
      full_name text PRIMARY KEY CHECK (full_name ~ '^[^/[:space:]]+/[^/[:space:]]+$'),
      installation_id bigint,
      paused boolean NOT NULL DEFAULT false,
      -- who set the current value of paused, and when (the kill switch is audited here and in audit_log)
      paused_changed_by text,
      paused_changed_at timestamptz,
      dashboard_issue integer CHECK (dashboard_issue > 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,

    `CREATE TABLE work_items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      repository text NOT NULL,
      issue_number integer NOT NULL CHECK (issue_number > 0),
      kind text NOT NULL CHECK (kind <> ''),
      -- '' for an item that is not a story, so the natural key below needs no NULL handling
      story_id text NOT NULL DEFAULT '',
      parent_id uuid REFERENCES work_items (id),
      pr_number integer CHECK (pr_number > 0),
      state text NOT NULL CHECK (state <> ''),
      version integer NOT NULL DEFAULT 1 CHECK (version > 0),
      data jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (repository, issue_number, story_id),
      -- the target of dispatches' composite key, which keeps a dispatch in its item's repository
      UNIQUE (id, repository)
    )`,
    `CREATE UNIQUE INDEX work_items_pr ON work_items (repository, pr_number) WHERE pr_number IS NOT NULL`,
    `CREATE INDEX work_items_state ON work_items (repository, state)`,
    `CREATE INDEX work_items_parent ON work_items (parent_id) WHERE parent_id IS NOT NULL`,

    `CREATE TABLE deliveries (
      id text PRIMARY KEY,
      event text NOT NULL,
      action text,
      received_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      outcome text CHECK (outcome IN ('handled', 'ignored', 'failed')),
      error text
    )`,

    // Deduplicates what a delivery id can't: the same command seen through two deliveries (e.g. a comment
    // id plus action), so it takes effect once.
    `CREATE TABLE semantic_events (
      key text PRIMARY KEY,
      claimed_at timestamptz NOT NULL DEFAULT now()
    )`,

    `CREATE TABLE dispatches (
      run_key text PRIMARY KEY,
      item_id uuid NOT NULL,
      repository text NOT NULL,
      stage text NOT NULL,
      story_id text,
      status text NOT NULL DEFAULT 'dispatched' CHECK (status IN ('dispatched', 'running', 'completed')),
      conclusion text,
      attempts integer NOT NULL DEFAULT 1 CHECK (attempts > 0),
      run_id bigint UNIQUE,
      run_url text,
      dispatched_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      FOREIGN KEY (item_id, repository) REFERENCES work_items (id, repository),
      CHECK ((status = 'completed') = (conclusion IS NOT NULL))
    )`,
    `CREATE INDEX dispatches_item ON dispatches (item_id)`,
    `CREATE INDEX dispatches_open ON dispatches (status, dispatched_at) WHERE status <> 'completed'`,

    // No foreign keys: the log must accept every write the system made, whatever it was about.
    `CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      action text NOT NULL,
      target text NOT NULL,
      repository text,
      item_id uuid,
      run_key text,
      run_id bigint,
      detail jsonb NOT NULL DEFAULT '{}'
    )`,
    `CREATE INDEX audit_log_repository ON audit_log (repository, id)`,
    `CREATE INDEX audit_log_item ON audit_log (item_id, id) WHERE item_id IS NOT NULL`,
    `CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
    END
    $$`,
    `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`,
    `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`,

    `CREATE TABLE usage_ledger (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      repository text NOT NULL,
      item_id uuid REFERENCES work_items (id),
      stage text NOT NULL,
      role text NOT NULL,
      run_key text,
      tokens_in bigint NOT NULL CHECK (tokens_in >= 0),
      tokens_out bigint NOT NULL CHECK (tokens_out >= 0),
      cache_read_tokens bigint NOT NULL CHECK (cache_read_tokens >= 0),
      cache_write_tokens bigint NOT NULL CHECK (cache_write_tokens >= 0),
      cost_usd numeric(14, 6) NOT NULL CHECK (cost_usd >= 0)
    )`,
    // A run's usage per stage and role is counted once, however often its result is delivered.
    `CREATE UNIQUE INDEX usage_ledger_run ON usage_ledger (run_key, stage, role) WHERE run_key IS NOT NULL`,
    `CREATE INDEX usage_ledger_repository ON usage_ledger (repository, at)`,
    `CREATE INDEX usage_ledger_item ON usage_ledger (item_id) WHERE item_id IS NOT NULL`,

    `CREATE TABLE lessons (
      id bigserial PRIMARY KEY,
      repository text NOT NULL,
      text text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
      source text NOT NULL CHECK (source IN ('approval', 'rejection', 'failure', 'retry')),
      -- clock_timestamp, not now(): two lessons learnt in one transaction still have an order
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      UNIQUE (repository, text)
    )`,
  ],
};

// A delivery's payload from its acknowledgement until it has been handled, leased to the instance handling
// it (see pending-deliveries.ts). The row goes when the delivery ends; its outcome stays on `deliveries`.
const pendingDeliveries: Migration = {
  version: 2,
  name: 'pending deliveries: the durable inbox of acknowledged webhook payloads',
  statements: [
    `CREATE TABLE pending_deliveries (
      delivery_id text PRIMARY KEY REFERENCES deliveries (id),
      -- arrival order, which the deliveries of one lane are handled in
      seq bigserial NOT NULL UNIQUE,
      event text NOT NULL,
      action text,
      lane text NOT NULL CHECK (lane <> ''),
      -- the body as received (text, not jsonb: jsonb would reorder keys and refuses escaped NUL characters)
      payload text NOT NULL,
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      lease_owner text NOT NULL,
      lease_until timestamptz NOT NULL
    )`,
    // Stored uncompressed: each payload is written once and read back whole soon after, and decompressing
    // it on every read cost more than the space saved (measured on PGlite: reads twice as fast).
    `ALTER TABLE pending_deliveries ALTER COLUMN payload SET STORAGE EXTERNAL`,
    `CREATE INDEX pending_deliveries_lease ON pending_deliveries (lease_until)`,
    `CREATE INDEX pending_deliveries_owner ON pending_deliveries (lease_owner)`,
  ],
};

/** Every migration, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [initialSchema, pendingDeliveries];
