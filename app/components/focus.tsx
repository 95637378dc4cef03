import { useLocation, useNavigation } from "@remix-run/react";
import { useEffect } from "react";

/** The last location seen, across shells (signing in goes from the public shell to the portal's). */
let seen: { key: string; pathname: string } | null = null;
/** The navigation under way carries a form sent by POST (its answer a redirect), not a link followed. */
let submitted = false;

/**
 * After a client-side navigation (a link followed, a form answered with a redirect) the element that
 * had focus is gone with the old page, and Chromium leaves focus on <body>: a keyboard or screen
 * reader user starts again from the top and hears nothing of the new page. Move focus to where the
 * new page starts: after a form sent, its success message when it shows one (the outcome of what
 * the user just did), else its heading. The same when a menu link outside <main> led to another
 * page (focus would stay on the link and the new page go unannounced). Focus on something of the page (a filter kept by a
 * search form, the error summary, the button a same-page answer gave back) stays where it is; the
 * first page load too (the browser starts at the top, the skip link first).
 */
export function useFocusAfterNavigation() {
  const location = useLocation();
  const navigation = useNavigation();
  useEffect(() => {
    if (navigation.state !== "idle") {
      submitted = Boolean(navigation.formMethod && navigation.formMethod.toUpperCase() !== "GET");
      return;
    }
    const afterSubmission = submitted;
    submitted = false;
    const before = seen;
    if (before?.key === location.key) return;
    seen = { key: location.key, pathname: location.pathname };
    if (!before) return;
    const main = document.getElementById("main");
    if (!main) return;
    const active = document.activeElement;
    const lost = !active || active === document.body || !active.isConnected;
    const leftBehind = before.pathname !== location.pathname && !main.contains(active);
    if (!lost && !leftBehind) return;
    const target = (afterSubmission ? main.querySelector<HTMLElement>(".alert--success") : null) ?? main.querySelector<HTMLElement>("h1") ?? main;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
  }, [location.key, location.pathname, navigation.state]);
}
