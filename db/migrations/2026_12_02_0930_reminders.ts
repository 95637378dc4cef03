import { sql, type Kysely } from "kysely";

/**
 * Payment reminders (issue 9, collections; module app/modules/payments/reminders.server.ts).
 *
 * - `reminder_schedules`: per site and organisation kind, the days relative to an invoice's due
 *   date on which a reminder goes out (negative = before it). At most 6 distinct whole days
 *   between −60 and 365, kept in ascending order (`reminder_offsets_valid`). Every site gets the
 *   default (SMEs −3, +7, +15, +30; agencies +30, +60): the sites of today here, new sites by the
 *   trigger `sites_default_reminders`. Finance edits them.
 * - `reminder_steps`: what the daily run did for an invoice, one row per invoice and step
 *   (`sent`, or `skipped` when a later step was due at the same time and only that one went out).
 *   UNIQUE (invoice_id, offset_days): two processes running the job at once insert the same row,
 *   the second waits for the first and inserts nothing, so each step is sent at most once.
 *   Immutable: a record of what customers were sent.
 * - `reminder_pauses`: reminders paused for an organisation (a purchase order in progress), with
 *   the reason, who and when, and who resumed them when. At most one open pause per organisation.
 *
 * Overdue is not stored: an invoice is overdue when it is issued, has a balance
 * (`invoice_balance_minor`) and its due date is before the site's today (`site_today`).
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE FUNCTION reminder_offsets_valid(offsets integer[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
      SELECT coalesce(array_ndims(offsets), 1) = 1
         AND cardinality(offsets) <= 6
         AND array_position(offsets, NULL) IS NULL
         AND NOT EXISTS (SELECT 1 FROM unnest(offsets) AS o WHERE o < -60 OR o > 365)
         AND offsets = coalesce((SELECT array_agg(DISTINCT o ORDER BY o) FROM unnest(offsets) AS o), '{}'::integer[])
    $$;

    CREATE TABLE reminder_schedules (
      site_id uuid NOT NULL REFERENCES sites (id),
      org_kind text NOT NULL CHECK (org_kind IN ('sme', 'agency')),
      offsets_days integer[] NOT NULL CONSTRAINT reminder_schedules_offsets_check CHECK (reminder_offsets_valid(offsets_days)),
      updated_by uuid REFERENCES users (id),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (site_id, org_kind)
    );

    CREATE FUNCTION sites_default_reminders() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO reminder_schedules (site_id, org_kind, offsets_days)
      VALUES (NEW.id, 'sme', '{-3,7,15,30}'), (NEW.id, 'agency', '{30,60}')
      ON CONFLICT DO NOTHING;
      RETURN NEW;
    END $$;
    CREATE TRIGGER sites_default_reminders AFTER INSERT ON sites
      FOR EACH ROW EXECUTE FUNCTION sites_default_reminders();

    INSERT INTO reminder_schedules (site_id, org_kind, offsets_days)
      SELECT id, 'sme', '{-3,7,15,30}'::integer[] FROM sites
      UNION ALL
      SELECT id, 'agency', '{30,60}'::integer[] FROM sites
    ON CONFLICT DO NOTHING;

    CREATE TABLE reminder_steps (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      invoice_id uuid NOT NULL REFERENCES invoices (id),
      org_id uuid NOT NULL REFERENCES organisations (id),
      offset_days integer NOT NULL CHECK (offset_days BETWEEN -60 AND 365),
      status text NOT NULL CHECK (status IN ('sent', 'skipped')),
      -- The site's day of the run that recorded it, and the day the step fell due (due_on + offset).
      run_on date NOT NULL,
      step_on date NOT NULL,
      recipients integer NOT NULL DEFAULT 0 CHECK (recipients >= 0),
      statement_document_id uuid REFERENCES documents (id),
      job_id uuid REFERENCES jobs (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT reminder_steps_invoice_offset_key UNIQUE (invoice_id, offset_days)
    );
    CREATE INDEX reminder_steps_org_idx ON reminder_steps (org_id, created_at);
    CREATE INDEX reminder_steps_job_idx ON reminder_steps (job_id);

    CREATE FUNCTION reminder_steps_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'a reminder step is never changed or deleted' USING HINT = 'reminder_step_immutable';
    END $$;
    CREATE TRIGGER reminder_steps_immutable BEFORE UPDATE OR DELETE ON reminder_steps
      FOR EACH ROW EXECUTE FUNCTION reminder_steps_immutable();

    CREATE TABLE reminder_pauses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organisations (id),
      reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 2 AND 500),
      paused_by uuid REFERENCES users (id),
      paused_at timestamptz NOT NULL DEFAULT now(),
      resumed_by uuid REFERENCES users (id),
      resumed_at timestamptz,
      CONSTRAINT reminder_pauses_resumed_check CHECK (resumed_at IS NULL OR resumed_at >= paused_at)
    );
    CREATE UNIQUE INDEX reminder_pauses_open_key ON reminder_pauses (org_id) WHERE resumed_at IS NULL;
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP TABLE reminder_pauses;
    DROP TABLE reminder_steps;
    DROP FUNCTION reminder_steps_immutable();
    DROP TRIGGER sites_default_reminders ON sites;
    DROP FUNCTION sites_default_reminders();
    DROP TABLE reminder_schedules;
    DROP FUNCTION reminder_offsets_valid(integer[]);
  `.execute(db);
}
