import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

/**
 * Call a route's loader or action with a real Request, the way Remix does, and always get a
 * Response back (a thrown Response — redirect, 404 — is returned too).
 */
type RouteFn = (args: LoaderFunctionArgs | ActionFunctionArgs) => unknown;

export const BASE = "http://portal.test";

export function formRequest(path: string, fields: Record<string, string>, opts: { cookie?: string } = {}) {
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded", Origin: BASE });
  if (opts.cookie) headers.set("Cookie", opts.cookie);
  return new Request(`${BASE}${path}`, { method: "POST", headers, body: new URLSearchParams(fields).toString() });
}

export function getRequest(path: string, opts: { cookie?: string } = {}) {
  const headers = new Headers();
  if (opts.cookie) headers.set("Cookie", opts.cookie);
  return new Request(`${BASE}${path}`, { headers });
}

export async function call(
  fn: RouteFn,
  request: Request,
  params: Record<string, string> = {},
  ip = "198.51.100.7",
): Promise<Response> {
  try {
    const result = await fn({ request, params, context: { nonce: "", ip } });
    if (result instanceof Response) return result;
    return new Response(JSON.stringify(result ?? null), { status: 200, headers: { "Content-Type": "application/json" } });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

export async function body<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** The `name=value` part of a Set-Cookie header, ready for a Cookie header. */
export function cookieFrom(response: Response) {
  const header = response.headers.get("Set-Cookie");
  if (!header) throw new Error("no Set-Cookie on the response");
  return header.split(";")[0];
}
