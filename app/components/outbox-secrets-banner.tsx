import { useT } from "~/components/i18n";

/** Says whether secret links are readable in the outbox (development) or hidden (production). */
export function SecretsBanner({ showsSecrets }: { showsSecrets: boolean }) {
  const tr = useT();
  return showsSecrets ? (
    <p className="alert alert--warning" role="status" data-testid="outbox-dev-banner">
      {tr("security.outbox.devBanner")}
    </p>
  ) : (
    <p className="muted" data-testid="outbox-redacted-note">
      {tr("security.outbox.redacted")}
    </p>
  );
}
