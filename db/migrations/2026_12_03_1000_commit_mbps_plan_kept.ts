import { sql, type Kysely } from "kysely";

/**
 * `contract_commit_mbps` (2026_12_02_1000), the same body in PL/pgSQL. As an SQL function that
 * cannot be inlined (its `WITH`), PostgreSQL planned its body again on every statement calling it
 * — ≈ 0.2 ms of the usage page's one statement of inputs, more than running it. A PL/pgSQL
 * function keeps its statement's plan for the connection. Same arguments, same result.
 */
const BODY = sql.raw(`
      WITH span AS (
        SELECT daterange(c.start_on, c.end_on, '[]') * daterange(first, last, '[]') AS d FROM contracts c WHERE c.id = contract
      )
      SELECT CASE WHEN isempty(span.d) THEN 0::numeric ELSE coalesce(round(
               (SELECT sum(l.quantity::numeric * (upper(l.during * span.d) - lower(l.during * span.d)))
                  FROM contract_lines l
                 WHERE l.contract_id = contract AND l.kind = 'bandwidth_commit_mbps' AND l.during && span.d)
               / (upper(span.d) - lower(span.d)), 6), 0) END
        FROM span`);

export async function up(db: Kysely<any>) {
  await sql`
    CREATE OR REPLACE FUNCTION contract_commit_mbps(contract uuid, first date, last date) RETURNS numeric
    LANGUAGE plpgsql STABLE AS $$
    BEGIN
      RETURN (${BODY});
    END
    $$`.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    CREATE OR REPLACE FUNCTION contract_commit_mbps(contract uuid, first date, last date) RETURNS numeric
    LANGUAGE sql STABLE AS $$${BODY}
    $$`.execute(db);
}
