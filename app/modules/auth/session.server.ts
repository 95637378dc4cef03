import { redirect } from "@remix-run/node";
import type { User } from "lucia";
import type { OperatorRole, TenantRole } from "#db/schema";
import { lucia } from "./lucia.server";
import { operatorCan, tenantCan, type OperatorPermission, type TenantPermission } from "./permissions";
import { REQUEST_KEY_HEADER } from "~/utils/http.server";

export type SessionUser = User;
export type TenantUser = SessionUser & { orgId: string; role: TenantRole };
export type OperatorUser = SessionUser & { operatorRole: OperatorRole };

function sessionToken(request: Request) {
  return lucia.readSessionCookie(request.headers.get("Cookie") ?? "");
}

export async function getCurrentUser(request: Request): Promise<SessionUser | null> {
  return (await currentSession(request)).user;
}

/**
 * The request's user, and the Set-Cookie header to send with the answer when the cookie must
 * change: the session slid forward (a fresh cookie with the new lifetime) or is unknown or expired
 * (a blank cookie that clears it). The root loader sends it, so every document load keeps the
 * cookie's lifetime equal to the server's.
 */
export function currentSession(request: Request): Promise<CurrentSession> {
  const token = sessionToken(request);
  if (!token) return Promise.resolve({ user: null });
  const key = sameRequestKey(request, token);
  if (!key) return validate(token);
  let validation = validations.get(key) ?? previousValidations.get(key);
  if (!validation) {
    if (Date.now() - rotatedAt > ROTATE_MS) {
      previousValidations = validations;
      validations = new Map();
      rotatedAt = Date.now();
    }
    validation = validate(token);
    validations.set(key, validation);
  }
  return validation;
}

type CurrentSession = { user: SessionUser | null; setCookie?: string };

async function validate(token: string): Promise<CurrentSession> {
  const { user, session } = await lucia.validateSession(token);
  if (!session) return { user: null, setCookie: lucia.createBlankSessionCookie().serialize() };
  if (session.fresh) return { user, setCookie: lucia.createSessionCookie(token).serialize() };
  return { user };
}

/*
 * One validation per request. A document request runs the root's, the area's and the page's loaders
 * side by side, each asking for the session: they share the first one's validation (one query
 * instead of three or four, and the root loader sends the refreshed cookie even when another
 * loader's validation was the one that slid the session forward). Shared only within one request
 * (the key is the server's id of the request, REQUEST_KEY_HEADER, with the token) and only for
 * GET and HEAD: an action may change the session or the user (a language switch, a new password)
 * before the loaders run again in the same request. Entries are dropped after 10 to 20 seconds
 * (two generations of maps, swapped), long after their request's loaders have started.
 */
const ROTATE_MS = 10_000;
let validations = new Map<string, Promise<CurrentSession>>();
let previousValidations = new Map<string, Promise<CurrentSession>>();
let rotatedAt = Date.now();

function sameRequestKey(request: Request, token: string): string | undefined {
  if (request.method !== "GET" && request.method !== "HEAD") return undefined;
  const id = request.headers.get(REQUEST_KEY_HEADER);
  return id ? `${id}\u0000${token}` : undefined;
}

/** Create a session and return the Set-Cookie header value. */
export async function createSessionCookie(userId: string) {
  const session = await lucia.createSession(userId, {});
  return lucia.createSessionCookie(session.id).serialize();
}

/** End the request's session; returns the Set-Cookie header that clears it. */
export async function destroySession(request: Request) {
  const token = sessionToken(request);
  if (token) await lucia.invalidateSession(token);
  return lucia.createBlankSessionCookie().serialize();
}

export async function invalidateUserSessions(userId: string) {
  await lucia.invalidateUserSessions(userId);
}

function signInRedirect(request: Request) {
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  return redirect(`/signin?redirectTo=${encodeURIComponent(back)}`);
}

export function forbidden(): never {
  throw new Response("Forbidden", { status: 403 });
}

export function notFound(): never {
  throw new Response("Not Found", { status: 404 });
}

export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getCurrentUser(request);
  if (!user) throw signInRedirect(request);
  return user;
}

/** A member of a tenant organisation, allowed `permission`. Operators are sent to their area. */
export async function requireTenant(request: Request, permission: TenantPermission): Promise<TenantUser> {
  const user = await requireUser(request);
  if (!user.org_id || !user.role) throw redirect(user.operator_role ? "/ops" : "/signin");
  if (!tenantCan(user.role, permission)) forbidden();
  return { ...user, orgId: user.org_id, role: user.role };
}

export async function requireOperator(request: Request, permission: OperatorPermission): Promise<OperatorUser> {
  const user = await requireUser(request);
  if (!user.operator_role) notFound();
  if (!operatorCan(user.operator_role, permission)) forbidden();
  return { ...user, operatorRole: user.operator_role };
}

/** Where a signed-in user lands. */
export function homeFor(user: SessionUser) {
  return user.operator_role ? "/ops" : "/app";
}
