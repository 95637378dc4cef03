import { Form, Link, NavLink, useFetchers, useLocation, useNavigation } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import { useLocale, useT } from "./i18n";
import type { MessageKey } from "~/i18n";

export function LanguageSwitcher() {
  const locale = useLocale();
  const location = useLocation();
  const tr = useT();
  return (
    <Form method="post" action="/set-locale" className="lang-switch" aria-label={tr("nav.language")}>
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      {(["fr", "en"] as const).map((l) => (
        <button key={l} name="locale" value={l} className={l === locale ? "active" : ""} aria-pressed={l === locale} lang={l}>
          {l.toUpperCase()}
        </button>
      ))}
    </Form>
  );
}

export function Brand({ to = "/" }: { to?: string }) {
  const tr = useT();
  return (
    <Link to={to} className="brand">
      <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">
        <rect x="4" y="2" width="16" height="20" rx="2" fill="none" stroke="currentColor" strokeWidth="1.8" />
        <path d="M7 6h10M7 10h10M7 14h10M7 18h6" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
      </svg>
      <span>{tr("app.name")}</span>
    </Link>
  );
}

/**
 * A button disabled while its form is sending drops focus to <body> (Chromium), and a keyboard or
 * screen reader user starts again from the top of the page. Keep focus in the form while it sends;
 * when it is done, give it back to the button, unless the page has moved it on meanwhile (the
 * error summary, a new page).
 */
function useFocusKeptWhileSending() {
  const navigation = useNavigation();
  const fetchers = useFetchers();
  const busy = navigation.state !== "idle" || fetchers.some((f) => f.state !== "idle");
  const held = useRef<{ form: HTMLFormElement; control: HTMLButtonElement | HTMLInputElement } | null>(null);
  useEffect(() => {
    const onFocusOut = (event: FocusEvent) => {
      const control = event.target;
      if (!(control instanceof HTMLButtonElement || control instanceof HTMLInputElement)) return;
      // Only a control that lost focus because it was just disabled, not one the user left.
      if (event.relatedTarget || !control.disabled || !control.form) return;
      const form = control.form;
      if (!form.hasAttribute("tabindex")) form.setAttribute("tabindex", "-1");
      form.focus({ preventScroll: true });
      held.current = { form, control };
    };
    document.addEventListener("focusout", onFocusOut);
    return () => document.removeEventListener("focusout", onFocusOut);
  }, []);
  useEffect(() => {
    const kept = held.current;
    if (busy || !kept) return;
    held.current = null;
    if (document.activeElement === kept.form && kept.control.isConnected && !kept.control.disabled) kept.control.focus({ preventScroll: true });
  }, [busy]);
}

/** The first tab stop of every page: straight to the main content, over the header and menus. */
export function SkipLink() {
  const tr = useT();
  return (
    <a className="skip-link" href="#main">
      {tr("nav.skipToContent")}
    </a>
  );
}

/** Centered card for sign-in, sign-up and the other pages a visitor sees. */
export function PublicShell({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  useFocusKeptWhileSending();
  return (
    <div className="public">
      <SkipLink />
      <header className="public-header">
        <Brand />
        <LanguageSwitcher />
      </header>
      <main id="main" tabIndex={-1} className={`card public-card${wide ? " public-card--wide" : ""}`}>
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}

export function AppShell({
  area,
  nav,
  who,
  children,
}: {
  area: "tenant" | "ops";
  /** `count`: a number shown beside the link (what awaits the user there), read as "3 awaiting you". */
  nav: { to: string; label: MessageKey; end?: boolean; count?: number }[];
  who: { name: string; context: string };
  children: ReactNode;
}) {
  const tr = useT();
  const location = useLocation();
  const navRef = useRef<HTMLElement>(null);
  useFocusKeptWhileSending();
  // On a phone the links scroll sideways: bring the current page's link into view.
  useEffect(() => {
    const nav = navRef.current;
    const active = nav?.querySelector<HTMLElement>("a.active");
    if (!nav || !active || nav.scrollWidth <= nav.clientWidth) return;
    const left = active.offsetLeft; // the nav is the links' offset parent (position: relative)
    if (left < nav.scrollLeft || left + active.offsetWidth > nav.scrollLeft + nav.clientWidth) nav.scrollLeft = Math.max(0, left - 24);
  }, [location.pathname]);
  return (
    <div className={`shell shell--${area}`}>
      <SkipLink />
      <header className="topbar">
        <Brand to={area === "ops" ? "/ops" : "/app"} />
        {area === "ops" ? <span className="area-tag">{tr("ops.title")}</span> : null}
        <nav className="mainnav" ref={navRef} aria-label={tr("nav.main")}>
          {nav.map((item) => (
            <NavLink key={item.to} to={item.to} end={item.end}>
              {tr(item.label)}
              {item.count ? (
                <span className="nav-count">
                  {item.count}
                  <span className="visually-hidden"> {tr("servicedesk.navWaiting")}</span>
                </span>
              ) : null}
            </NavLink>
          ))}
          {/* On wide screens the user's name in the top bar leads to the account page. */}
          <NavLink to={area === "ops" ? "/ops/account" : "/app/account"} className="nav-account">
            {tr("nav.account")}
          </NavLink>
        </nav>
        <div className="topbar-right">
          <LanguageSwitcher />
          {/* The accessible name holds the visible text (WCAG 2.5.3): "My account, name context". */}
          <Link className="who" to={area === "ops" ? "/ops/account" : "/app/account"}>
            <span className="visually-hidden">{tr("nav.account")}, </span>
            <strong>{who.name}</strong>
            <span>{who.context}</span>
          </Link>
          <Form method="post" action="/signout">
            <button className="btn btn--ghost btn--small">{tr("nav.signOut")}</button>
          </Form>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="content">
        {children}
      </main>
    </div>
  );
}

export function StatusBadge({ status, label }: { status: string; label: string }) {
  return <span className={`badge badge--${status}`}>{label}</span>;
}
