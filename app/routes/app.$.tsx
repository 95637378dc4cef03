import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound } from "~/modules/auth/session.server";

/** Any unknown path under /app: a 404 shown inside the tenant's shell (app.tsx's error boundary). */
export async function loader(_: LoaderFunctionArgs) {
  notFound();
}

export default function UnknownTenantPage() {
  return null;
}
