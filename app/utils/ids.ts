const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from URLs and forms: anything that is not a UUID is simply "not found" (never a database error). */
export const isUuid = (value: unknown): value is string => typeof value === "string" && UUID.test(value);
