import { getDb } from "#db/client.server";
import type { Locale } from "#db/schema";

export async function setUserLocale(userId: string, locale: Locale) {
  const db = await getDb();
  await db.updateTable("users").set({ locale }).where("id", "=", userId).execute();
}

export async function updateProfile(userId: string, input: { name: string; locale: Locale }) {
  const db = await getDb();
  await db.updateTable("users").set({ name: input.name, locale: input.locale }).where("id", "=", userId).execute();
}
