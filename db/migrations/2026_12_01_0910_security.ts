import { sql, type Kysely } from "kysely";

/**
 * Security hardening (issue 7, section 2).
 *
 * - `rate_limits` replaces `sign_in_attempts`: one counter row per key ("pair:<email>|<ip>",
 *   "account:<email>", "address:<ip>", "forgot:<ip>", …) in a fixed window. A request reserves its
 *   slot with one atomic upsert (`hits = hits + 1 … RETURNING hits`) *before* checking a password,
 *   so thirty parallel guesses check exactly the limit, never more (the old table was counted,
 *   then inserted into: check-then-insert). See docs/decisions/010-sign-in-limits.md.
 * - `email_outbox.secret_html` / `secret_text`: in production the outbox pages show `html`/`text`,
 *   a copy in which reset, verification and invitation links are redacted; the real bodies (the
 *   ones sent over SMTP) live here only until the message is sent, then are cleared.
 * - `sessions_expires_idx`: the purge of expired sessions is an index range scan.
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE TABLE rate_limits (
      key text PRIMARY KEY,
      window_started_at timestamptz NOT NULL,
      hits integer NOT NULL CHECK (hits >= 0)
    );
    CREATE INDEX rate_limits_window_idx ON rate_limits (window_started_at);
    DROP TABLE sign_in_attempts;

    ALTER TABLE email_outbox ADD COLUMN secret_html text, ADD COLUMN secret_text text;

    CREATE INDEX sessions_expires_idx ON sessions (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP INDEX sessions_expires_idx;
    ALTER TABLE email_outbox DROP COLUMN secret_html, DROP COLUMN secret_text;
    CREATE TABLE sign_in_attempts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key text NOT NULL,
      attempted_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX sign_in_attempts_key_idx ON sign_in_attempts (key, attempted_at);
    DROP TABLE rate_limits;
  `.execute(db);
}
