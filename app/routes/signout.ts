import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { destroySession } from "~/modules/auth/session.server";

export async function action({ request }: ActionFunctionArgs) {
  return redirect("/signin", { headers: { "Set-Cookie": await destroySession(request) } });
}

export const loader = () => redirect("/");
