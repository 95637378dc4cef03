import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import * as m0600 from "./migrations/2026_11_23_0600_identity";
import * as m0610 from "./migrations/2026_11_23_0610_sites_inventory";
import * as m0700 from "./migrations/2026_11_23_0700_requests_contracts";
import * as m0800 from "./migrations/2026_11_23_0800_metering";
import * as m1201_0900 from "./migrations/2026_12_01_0900_database_rules";
import * as m1201_0910 from "./migrations/2026_12_01_0910_security";
import * as m1201_1000 from "./migrations/2026_12_01_1000_invoicing";
import * as m1201_1100 from "./migrations/2026_12_01_1100_jobs";
import * as m1201_1200 from "./migrations/2026_12_01_1200_one_off_charges";
import * as m1201_1300 from "./migrations/2026_12_01_1300_issuing";
import * as m1202_0900 from "./migrations/2026_12_02_0900_payments";
import * as m1202_0910 from "./migrations/2026_12_02_0910_statements";
import * as m1202_0920 from "./migrations/2026_12_02_0920_stripe";
import * as m1202_0930 from "./migrations/2026_12_02_0930_reminders";
import * as m1202_0940 from "./migrations/2026_12_02_0940_statements_of_account";
import * as m1202_1000 from "./migrations/2026_12_02_1000_contract_versions";
import * as m1202_1010 from "./migrations/2026_12_02_1010_renewals";
import * as m1202_1020 from "./migrations/2026_12_02_1020_cross_connect_orders";
import * as m1202_1100 from "./migrations/2026_12_02_1100_samples_partitions_rollups";
import * as m1202_1200 from "./migrations/2026_12_02_1200_remote_hands";
import * as m1202_1210 from "./migrations/2026_12_02_1210_site_access";
import * as m1202_1220 from "./migrations/2026_12_02_1220_deliveries";
import * as m1202_1300 from "./migrations/2026_12_02_1300_usage_month_cache";
import * as m1202_1400 from "./migrations/2026_12_02_1400_visit_racks_held";
import * as m1203_1000 from "./migrations/2026_12_03_1000_commit_mbps_plan_kept";

/** The migrations, in order. Add new files here; never edit one that has landed. */
const migrations: Record<string, Migration> = {
  "2026_11_23_0600_identity": m0600,
  "2026_11_23_0610_sites_inventory": m0610,
  "2026_11_23_0700_requests_contracts": m0700,
  "2026_11_23_0800_metering": m0800,
  "2026_12_01_0900_database_rules": m1201_0900,
  "2026_12_01_0910_security": m1201_0910,
  "2026_12_01_1000_invoicing": m1201_1000,
  "2026_12_01_1100_jobs": m1201_1100,
  "2026_12_01_1200_one_off_charges": m1201_1200,
  "2026_12_01_1300_issuing": m1201_1300,
  "2026_12_02_0900_payments": m1202_0900,
  "2026_12_02_0910_statements": m1202_0910,
  "2026_12_02_0920_stripe": m1202_0920,
  "2026_12_02_0930_reminders": m1202_0930,
  "2026_12_02_0940_statements_of_account": m1202_0940,
  "2026_12_02_1000_contract_versions": m1202_1000,
  "2026_12_02_1010_renewals": m1202_1010,
  "2026_12_02_1020_cross_connect_orders": m1202_1020,
  "2026_12_02_1100_samples_partitions_rollups": m1202_1100,
  "2026_12_02_1200_remote_hands": m1202_1200,
  "2026_12_02_1210_site_access": m1202_1210,
  "2026_12_02_1220_deliveries": m1202_1220,
  "2026_12_02_1300_usage_month_cache": m1202_1300,
  "2026_12_02_1400_visit_racks_held": m1202_1400,
  "2026_12_03_1000_commit_mbps_plan_kept": m1203_1000,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<any>) {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`Migration ${failed?.migrationName ?? "?"} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
