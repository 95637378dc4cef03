import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound } from "~/modules/auth/session.server";

/** Any unknown path under /ops: a 404 shown inside the operator's shell (ops.tsx's error boundary). */
export async function loader(_: LoaderFunctionArgs) {
  notFound();
}

export default function UnknownOperatorPage() {
  return null;
}
