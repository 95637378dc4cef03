import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { hashPassword } from "~/modules/auth/password.server";
import { SITES } from "./reference";
import { DEMO_OPERATORS, DEMO_ORGS, DEMO_PASSWORD } from "./demo";
import { seedDemoContracts } from "./demo-contracts";
import { seedDemoUsage } from "./demo-usage";
import { seedIssuers } from "./issuers";
import { seedDemoBilling } from "./demo-billing";
import { seedDemoCarriers } from "./demo-carriers";
import { seedDemoDeliveries } from "./demo-deliveries";
import { seedDemoRemoteHands } from "./demo-remote-hands";
import { seedDemoSiteAccess } from "./demo-site-access";

export interface SeedOptions {
  /** Also write the demo organisations and users (never in production). */
  demo: boolean;
  /** Defaults to process.env.NODE_ENV (read directly: env() caches its first answer). */
  nodeEnv?: string;
  /** The instant demo usage runs up to (default: now). */
  now?: Date;
}

/** Rows this run created, per table. A second run over the same database returns zeros. */
export interface SeedResult {
  sites: number;
  rooms: number;
  racks: number;
  products: number;
  organisations: number;
  users: number;
  memberships: number;
  ports: number;
  contracts: number;
  requests: number;
  samples: number;
  demo: boolean;
}

/** Arbitrary constant: serialises concurrent seed runs on PostgreSQL (e.g. two server instances starting). */
const SEED_LOCK_KEY = 7_310_042;

/** True when the database has no site yet: the server's first-start check. */
export async function isEmpty(db: Executor): Promise<boolean> {
  const row = await db.selectFrom("sites").select("id").limit(1).executeTakeFirst();
  return row === undefined;
}

/**
 * Writes the reference data (sites, rooms, racks, price lists) and, with `demo`, the demo
 * organisations and users, in one transaction.
 *
 * Idempotent: every row is inserted only if missing, by its natural key (site code, room
 * (site, name), rack (room, name), active product (site, kind), user e-mail, organisation
 * name, membership user). Existing rows are never modified, so an operator's later edits
 * (a new price, a rack put in maintenance, a changed password) survive a re-run.
 */
export async function seed(db: Kysely<Database>, opts: SeedOptions): Promise<SeedResult> {
  const nodeEnv = opts.nodeEnv ?? process.env.NODE_ENV;
  if (opts.demo && nodeEnv === "production") {
    throw new Error("Refusing to seed demo data: demo accounts are never seeded in production (NODE_ENV=production).");
  }

  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`.execute(trx);
    const result: SeedResult = {
      sites: 0,
      rooms: 0,
      racks: 0,
      products: 0,
      organisations: 0,
      users: 0,
      memberships: 0,
      ports: 0,
      contracts: 0,
      requests: 0,
      samples: 0,
      demo: opts.demo,
    };
    await seedReference(trx, result);
    await seedIssuers(trx);
    if (opts.demo) {
      await seedDemo(trx, result);
      await seedDemoContracts(trx, result);
      await seedDemoUsage(trx, result, opts.now);
      await seedDemoBilling(trx);
      await seedDemoCarriers(trx);
      await seedDemoDeliveries(trx, opts.now);
      await seedDemoRemoteHands(trx, opts.now);
      await seedDemoSiteAccess(trx);
    }
    return result;
  });
}

async function seedReference(trx: Trx, result: SeedResult) {
  for (const site of SITES) {
    const { rooms, products, oversubscription_ratio, ...siteRow } = site;
    const insertedSite = await trx
      .insertInto("sites")
      .values({ ...siteRow, oversubscription_ratio: oversubscription_ratio.toFixed(2) })
      .onConflict((oc) => oc.column("code").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (insertedSite) result.sites++;
    const siteId =
      insertedSite?.id ??
      (await trx.selectFrom("sites").select("id").where("code", "=", site.code).executeTakeFirstOrThrow()).id;

    for (const room of rooms) {
      const insertedRoom = await trx
        .insertInto("rooms")
        .values({ site_id: siteId, name: room.name, kind: room.kind })
        .onConflict((oc) => oc.columns(["site_id", "name"]).doNothing())
        .returning("id")
        .executeTakeFirst();
      if (insertedRoom) result.rooms++;
      const roomId =
        insertedRoom?.id ??
        (
          await trx
            .selectFrom("rooms")
            .select("id")
            .where("site_id", "=", siteId)
            .where("name", "=", room.name)
            .executeTakeFirstOrThrow()
        ).id;

      if (room.ports) {
        const ports = Array.from({ length: room.ports }, (_, i) => ({
          site_id: siteId,
          room_id: roomId,
          name: `MMR-${String(i + 1).padStart(2, "0")}`,
          media: i % 4 === 3 ? ("cat6" as const) : ("smf" as const),
        }));
        const insertedPorts = await trx
          .insertInto("cross_connect_ports")
          .values(ports)
          .onConflict((oc) => oc.columns(["site_id", "name"]).doNothing())
          .returning("id")
          .execute();
        result.ports += insertedPorts.length;
      }

      if (room.racks.length > 0) {
        const insertedRacks = await trx
          .insertInto("racks")
          .values(room.racks.map((r) => ({ ...r, room_id: roomId })))
          .onConflict((oc) => oc.columns(["room_id", "name"]).doNothing())
          .returning("id")
          .execute();
        result.racks += insertedRacks.length;
      }
    }

    // The "one active product per (site, kind)" index is partial, so look first, then insert.
    const activeKinds = new Set(
      (
        await trx
          .selectFrom("products")
          .select("kind")
          .where("site_id", "=", siteId)
          .where("is_active", "=", true)
          .execute()
      ).map((p) => p.kind),
    );
    const missing = products.filter((p) => !activeKinds.has(p.kind));
    if (missing.length > 0) {
      await trx
        .insertInto("products")
        .values(missing.map((p) => ({ ...p, site_id: siteId, is_active: true })))
        .execute();
      result.products += missing.length;
    }
  }
}

async function seedDemo(trx: Trx, result: SeedResult) {
  const emails = [
    ...DEMO_ORGS.flatMap((o) => o.members.map((m) => m.email)),
    ...DEMO_OPERATORS.map((o) => o.email),
  ];
  const userIds = new Map(
    (await trx.selectFrom("users").select(["id", "email"]).where("email", "in", emails).execute()).map((u) => [
      u.email,
      u.id,
    ]),
  );

  // Argon2 is deliberately slow: hash once, and only if some demo user must be created.
  let passwordHash: string | undefined;
  const hash = async () => (passwordHash ??= await hashPassword(DEMO_PASSWORD));
  const now = new Date();

  async function ensureUser(u: { email: string; name: string; locale: "fr" | "en" }, operatorRole: Database["users"]["operator_role"]) {
    const email = u.email.toLowerCase();
    const existing = userIds.get(email);
    if (existing) return existing;
    const { id } = await trx
      .insertInto("users")
      .values({
        email,
        name: u.name,
        password_hash: await hash(),
        email_verified_at: now,
        locale: u.locale,
        operator_role: operatorRole,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    userIds.set(email, id);
    result.users++;
    return id;
  }

  for (const { members, ...org } of DEMO_ORGS) {
    const existingOrg = await trx
      .selectFrom("organisations")
      .select("id")
      .where("name", "=", org.name)
      .orderBy("created_at")
      .executeTakeFirst();
    let orgId = existingOrg?.id;
    if (!orgId) {
      orgId = (await trx.insertInto("organisations").values(org).returning("id").executeTakeFirstOrThrow()).id;
      result.organisations++;
    }

    for (const member of members) {
      const userId = await ensureUser(member, null);
      // A user belongs to at most one organisation: leave an existing membership alone.
      const inserted = await trx
        .insertInto("memberships")
        .values({ org_id: orgId, user_id: userId, role: member.role })
        .onConflict((oc) => oc.doNothing())
        .returning("user_id")
        .executeTakeFirst();
      if (inserted) result.memberships++;
    }
  }

  for (const operator of DEMO_OPERATORS) {
    await ensureUser(operator, operator.operator_role);
  }
}
