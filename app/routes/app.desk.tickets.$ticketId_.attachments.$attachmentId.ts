import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { attachmentFile } from "~/modules/remotehands/tickets.server";
import { attachmentResponse } from "~/modules/remotehands/download.server";
import { getDb } from "~/utils/db.server";

/** GET /app/desk/tickets/:ticketId/attachments/:attachmentId — a ticket's file, for its organisation only (404 otherwise). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const file = await attachmentFile(await getDb(), { ticketId: params.ticketId ?? "", attachmentId: params.attachmentId ?? "", orgId: user.orgId });
  if (!file) notFound();
  return attachmentResponse(file);
}
