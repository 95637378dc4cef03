import { sql } from "kysely";
import type { Executor, Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { newToken, sha256 } from "~/modules/auth/tokens.server";
import { isUuid } from "~/modules/orgs/organisations.server";

export const TOKEN_SCOPES = ["usage:write", "usage:read"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
const PREFIX = "colo_";

export interface AuthenticatedToken {
  id: string;
  siteId: string;
  scopes: string[];
}

/**
 * `Authorization: Bearer <token>` → the token's site and scopes, or why not.
 * Only the hash is looked up; `last_used_at` is refreshed at most once a minute.
 */
export async function authenticateBearer(db: Executor, authorization: string | null, scope: TokenScope): Promise<{ ok: true; token: AuthenticatedToken } | { ok: false; status: 401 | 403 }> {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match || !match[1].startsWith(PREFIX) || match[1].length > 200) return { ok: false, status: 401 };
  const row = await db
    .selectFrom("api_tokens")
    .select(["id", "site_id", "scopes"])
    .where("token_hash", "=", sha256(match[1]))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (!row) return { ok: false, status: 401 };
  if (!row.scopes.includes(scope)) return { ok: false, status: 403 };
  await db
    .updateTable("api_tokens")
    .set({ last_used_at: new Date() })
    .where("id", "=", row.id)
    .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", sql<Date>`now() - interval '1 minute'`)]))
    .execute();
  return { ok: true, token: { id: row.id, siteId: row.site_id, scopes: row.scopes } };
}

/** A new token for a site; the clear token is returned once and never stored. */
export async function createApiToken(
  trx: Trx,
  input: { siteId: string; name: string; scopes: TokenScope[]; actor: Actor | null; via?: "cli" },
): Promise<{ id: string; token: string }> {
  const { token: random } = newToken(32);
  const token = `${PREFIX}${random}`;
  const row = await trx
    .insertInto("api_tokens")
    .values({
      site_id: input.siteId,
      name: input.name,
      scopes: input.scopes,
      token_hash: sha256(token),
      token_prefix: token.slice(0, PREFIX.length + 6),
      created_by: input.actor?.id ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(trx, { actor: input.actor, action: "api_token.created", entityType: "api_token", entityId: row.id, after: { site_id: input.siteId, name: input.name, scopes: input.scopes, ...(input.via ? { via: input.via } : {}) } });
  return { id: row.id, token };
}

export async function revokeApiToken(trx: Trx, input: { tokenId: string; actor: Actor }) {
  if (!isUuid(input.tokenId)) return false;
  const row = await trx
    .updateTable("api_tokens")
    .set({ revoked_at: new Date() })
    .where("id", "=", input.tokenId)
    .where("revoked_at", "is", null)
    .returning(["id", "name"])
    .executeTakeFirst();
  if (!row) return false;
  await recordAudit(trx, { actor: input.actor, action: "api_token.revoked", entityType: "api_token", entityId: row.id, before: { name: row.name } });
  return true;
}

export async function listApiTokens(db: Executor, siteId?: string) {
  let query = db
    .selectFrom("api_tokens as t")
    .innerJoin("sites as s", "s.id", "t.site_id")
    .select(["t.id", "t.name", "t.scopes", "t.token_prefix", "t.created_at", "t.last_used_at", "t.revoked_at", "s.code as site_code"])
    .orderBy("t.created_at", "desc");
  if (siteId) query = query.where("t.site_id", "=", siteId);
  return query.execute();
}
