import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { loadDictionary } from "~/i18n/dictionary";
import { isLocale } from "~/i18n/format";

/**
 * The reader's dictionary, named by the document's preload link (root.tsx), is fetched (from the
 * browser's cache after the first visit) before hydrating, so the first client render reads the
 * same words as the server's HTML. A page without it (the root loader failed) hydrates at once.
 */
function dictionaryReady(): Promise<void> {
  const link = document.querySelector<HTMLLinkElement>("link[data-i18n-locale]");
  const locale = link?.dataset.i18nLocale;
  if (!link || !isLocale(locale)) return Promise.resolve();
  const url = link.getAttribute("href")!;
  // One retry, then the server-rendered page stays as it is (forms work without JavaScript).
  return loadDictionary(locale, url).catch(() => loadDictionary(locale, url));
}

function hydrate() {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
}

dictionaryReady().then(hydrate, (error: unknown) => console.error("Dictionary not loaded; the page stays server-rendered.", error));
