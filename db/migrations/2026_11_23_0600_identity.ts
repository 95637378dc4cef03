import { sql, type Kysely } from "kysely";

/** Organisations, users, memberships, sessions, one-time tokens, invitations, audit log, e-mail outbox. */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE TABLE organisations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(trim(name)) BETWEEN 2 AND 200),
      kind text NOT NULL CHECK (kind IN ('sme', 'agency')),
      tax_id text NOT NULL,
      rccm text,
      billing_email text NOT NULL,
      address text NOT NULL,
      country char(2) NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'suspended')),
      is_vat_exempt boolean NOT NULL DEFAULT false,
      payment_terms_days integer NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 180),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
      name text NOT NULL,
      password_hash text NOT NULL,
      email_verified_at timestamptz,
      locale text NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
      operator_role text CHECK (operator_role IN ('ops_admin', 'ops_noc', 'ops_finance')),
      created_at timestamptz NOT NULL DEFAULT now(),
      password_changed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_email_key ON users (email);

    -- A user belongs to at most one organisation.
    CREATE TABLE memberships (
      org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
      user_id uuid NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'billing', 'technical', 'viewer')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, user_id)
    );

    -- id is the SHA-256 (hex) of the token the cookie carries.
    CREATE TABLE sessions (
      id text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX sessions_user_idx ON sessions (user_id);

    CREATE TABLE user_tokens (
      token_hash text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX user_tokens_user_idx ON user_tokens (user_id, purpose);

    CREATE TABLE invitations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
      email text NOT NULL CHECK (email = lower(email)),
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'billing', 'technical', 'viewer')),
      token_hash text NOT NULL UNIQUE,
      invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
      expires_at timestamptz NOT NULL,
      accepted_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX invitations_open_key ON invitations (org_id, email)
      WHERE accepted_at IS NULL AND revoked_at IS NULL;

    CREATE TABLE sign_in_attempts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key text NOT NULL,
      attempted_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX sign_in_attempts_key_idx ON sign_in_attempts (key, attempted_at);

    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      actor_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
      actor_email text,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text NOT NULL,
      org_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
      before jsonb,
      after jsonb,
      ip text,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
    CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);

    CREATE TABLE email_outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      template text NOT NULL,
      locale text NOT NULL CHECK (locale IN ('fr', 'en')),
      to_address text NOT NULL,
      subject text NOT NULL,
      html text NOT NULL,
      text text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz
    );
    CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE status = 'pending';
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`DROP TABLE email_outbox, audit_log, sign_in_attempts, invitations, user_tokens, sessions, memberships, users, organisations`.execute(db);
}
