import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { attachmentFile } from "~/modules/remotehands/tickets.server";
import { attachmentResponse } from "~/modules/remotehands/download.server";
import { getDb } from "~/utils/db.server";

/** GET /ops/desk/tickets/:ticketId/attachments/:attachmentId — a ticket's file, for operators. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "orgs:read");
  const file = await attachmentFile(await getDb(), { ticketId: params.ticketId ?? "", attachmentId: params.attachmentId ?? "", orgId: null });
  if (!file) notFound();
  return attachmentResponse(file);
}
