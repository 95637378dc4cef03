import { Fragment } from "react";
import { Text } from "@react-email/components";
import { detailStyles } from "./layout";

/**
 * Free text someone typed (a reason, a note, a tenant's details), shown as a quote with its line
 * breaks kept, under an optional label. React escapes it; nothing in it is interpreted.
 */
export function QuotedText({ label, text }: { label?: string; text: string }) {
  const lines = text.trim().split(/\r\n|\r|\n/);
  return (
    <>
      {label ? <Text style={{ ...detailStyles.label }}>{label}</Text> : null}
      <Text style={detailStyles.quote}>
        {lines.map((line, i) => (
          <Fragment key={i}>
            {i > 0 && <br />}
            {line}
          </Fragment>
        ))}
      </Text>
    </>
  );
}
