import type { CSSProperties, ReactNode } from "react";
import { Body, Button, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import { t, type Locale } from "~/i18n";
import { layoutMessages, type EmailCopy } from "./messages";

/**
 * The frame every e-mail shares: dark blue header with the portal name, a heading, the
 * paragraphs (then the template's details block, passed as children, and the `outro`
 * paragraphs), one call-to-action button with the plain URL below it (for copy-paste and for
 * clients that block buttons), and a footer saying why the recipient gets the message.
 * Inline styles and tables only: that is what mail clients render reliably.
 */
export interface EmailLayoutProps {
  locale: Locale;
  copy: EmailCopy;
  url: string;
  children?: ReactNode;
}

export function EmailLayout({ locale, copy, url, children }: EmailLayoutProps) {
  const layout = layoutMessages[locale];
  return (
    <Html lang={locale} dir="ltr">
      <Head>
        <meta name="color-scheme" content="light" />
        <meta name="supported-color-schemes" content="light" />
      </Head>
      <Preview>{copy.preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Section style={styles.header}>
            <Text style={styles.brand}>{t(locale, "app.name")}</Text>
            <Text style={styles.tagline}>{layout.tagline}</Text>
          </Section>
          <Section style={styles.content}>
            <Heading as="h1" style={styles.heading}>
              {copy.heading}
            </Heading>
            {copy.body.map((paragraph, i) => (
              <Text key={i} style={styles.paragraph}>
                {paragraph}
              </Text>
            ))}
            {children}
            {copy.outro?.map((paragraph, i) => (
              <Text key={`outro-${i}`} style={styles.paragraph}>
                {paragraph}
              </Text>
            ))}
            <Section style={styles.actions}>
              <Button href={url} style={styles.button}>
                {copy.button}
              </Button>
            </Section>
            {/* The text version already prints the URL next to the button label. */}
            <Section data-skip-in-text="true">
              <Text style={styles.linkHint}>{layout.linkHint}</Text>
              <Text style={styles.plainUrl}>
                <Link href={url} style={styles.plainUrlLink}>
                  {url}
                </Link>
              </Text>
            </Section>
          </Section>
          <Hr style={styles.rule} />
          <Section style={styles.footer}>
            <Text style={styles.footerText}>{copy.footer}</Text>
            <Text style={styles.footerText}>{layout.automated}</Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

const font =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const navy = "#0b2545";
const ink = "#1f2933";
const muted = "#52606d";

const styles = {
  body: { backgroundColor: "#eef1f5", fontFamily: font, margin: 0, padding: "24px 0" },
  container: {
    backgroundColor: "#ffffff",
    border: "1px solid #d9e2ec",
    borderRadius: "6px",
    maxWidth: "560px",
    margin: "0 auto",
    overflow: "hidden",
  },
  header: { backgroundColor: navy, padding: "20px 32px" },
  brand: { color: "#ffffff", fontSize: "20px", fontWeight: 700, lineHeight: "26px", margin: 0 },
  tagline: { color: "#9fb3c8", fontSize: "13px", lineHeight: "18px", margin: "2px 0 0" },
  content: { padding: "28px 32px 8px" },
  heading: { color: navy, fontSize: "22px", fontWeight: 700, lineHeight: "30px", margin: "0 0 16px" },
  paragraph: { color: ink, fontSize: "15px", lineHeight: "24px", margin: "0 0 12px" },
  actions: { padding: "12px 0 20px", textAlign: "center" },
  button: {
    backgroundColor: "#134074",
    borderRadius: "4px",
    color: "#ffffff",
    display: "inline-block",
    fontSize: "15px",
    fontWeight: 600,
    lineHeight: "20px",
    padding: "12px 24px",
    textDecoration: "none",
  },
  linkHint: { color: muted, fontSize: "13px", lineHeight: "20px", margin: "0 0 4px" },
  plainUrl: { fontSize: "13px", lineHeight: "20px", margin: "0 0 20px", wordBreak: "break-all" },
  plainUrlLink: { color: "#134074", textDecoration: "underline" },
  rule: { borderColor: "#d9e2ec", margin: 0 },
  footer: { backgroundColor: "#f7f9fb", padding: "16px 32px" },
  footerText: { color: muted, fontSize: "12px", lineHeight: "18px", margin: "0 0 8px" },
} satisfies Record<string, CSSProperties>;

/** Styles of the details blocks (tables, lists, quotes) that templates pass as children. */
const cell = { fontSize: "14px", lineHeight: "22px", padding: "6px 8px" } satisfies CSSProperties;
const headerCell = {
  ...cell,
  borderBottom: "2px solid #d9e2ec",
  color: muted,
  fontSize: "13px",
  fontWeight: 600,
  lineHeight: "20px",
} satisfies CSSProperties;
const bodyCell = { ...cell, borderBottom: "1px solid #e4e7eb", color: ink } satisfies CSSProperties;

export const detailStyles = {
  table: { borderCollapse: "collapse", margin: "4px 0 16px", width: "100%" },
  th: { ...headerCell, textAlign: "left" },
  thNumber: { ...headerCell, textAlign: "right" },
  td: bodyCell,
  tdNumber: { ...bodyCell, textAlign: "right", whiteSpace: "nowrap" },
  list: { color: ink, fontSize: "15px", lineHeight: "24px", margin: "0 0 16px", paddingLeft: "24px" },
  listItem: { margin: "0 0 4px" },
  label: { color: ink, fontSize: "15px", lineHeight: "24px", margin: "0 0 8px" },
  quote: {
    backgroundColor: "#f7f9fb",
    borderLeft: "4px solid #134074",
    color: ink,
    fontSize: "15px",
    lineHeight: "24px",
    margin: "0 0 16px",
    padding: "12px 16px",
  },
} satisfies Record<string, CSSProperties>;
