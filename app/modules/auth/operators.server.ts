import type { OperatorRole } from "#db/schema";
import type { Trx } from "#db/types";
import { recordAudit } from "~/modules/audit/audit.server";
import { hashPassword } from "./password.server";

/** A new operator account (from the command line); the address counts as verified. */
export async function createOperator(
  trx: Trx,
  input: { email: string; name: string; role: OperatorRole; password: string },
): Promise<{ ok: true; userId: string } | { ok: false; error: "email_taken" }> {
  const taken = await trx.selectFrom("users").select("id").where("email", "=", input.email).executeTakeFirst();
  if (taken) return { ok: false, error: "email_taken" };
  const user = await trx
    .insertInto("users")
    .values({
      email: input.email,
      name: input.name,
      password_hash: await hashPassword(input.password),
      operator_role: input.role,
      email_verified_at: new Date(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actor: null,
    action: "operator.created",
    entityType: "user",
    entityId: user.id,
    after: { email: input.email, role: input.role, via: "cli" },
  });
  return { ok: true, userId: user.id };
}
