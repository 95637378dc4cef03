import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema";

/** Either the database or a transaction: modules accept both and let the caller decide. */
export type Executor = Kysely<Database> | Transaction<Database>;
export type Trx = Transaction<Database>;
