import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { isLocale } from "~/i18n/format";
import { getCurrentUser } from "~/modules/auth/session.server";
import { setUserLocale } from "~/modules/auth/profile.server";
import { localeCookie } from "~/utils/request.server";
import { safeRedirect } from "~/utils/forms";
import { readForm } from "~/utils/forms.server";

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const locale = form.get("locale");
  const back = safeRedirect(form.get("redirectTo"), "/");
  if (!isLocale(locale)) return redirect(back);
  const user = await getCurrentUser(request);
  if (user) await setUserLocale(user.id, locale);
  return redirect(back, { headers: { "Set-Cookie": localeCookie(locale) } });
}

export const loader = () => redirect("/");
