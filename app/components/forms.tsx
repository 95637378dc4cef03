import { useEffect, useRef, type ReactNode, type Ref } from "react";
import type { FieldErrors } from "~/utils/forms";
import { useT } from "./i18n";
import type { MessageKey } from "~/i18n";

type InputProps = React.InputHTMLAttributes<HTMLInputElement>;

export function Field({
  name,
  label,
  errors,
  hint,
  optional,
  ...input
}: { name: string; label: string; errors?: FieldErrors; hint?: ReactNode; optional?: boolean } & InputProps) {
  const tr = useT();
  const error = errors?.[name];
  const id = `f-${name}`;
  return (
    <div className={`field${error ? " field--error" : ""}`}>
      <label htmlFor={id}>
        {label}
        {optional ? <span className="muted"> ({tr("field.optional")})</span> : null}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...input}
      />
      {hint && !error ? <p className="hint">{hint}</p> : null}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {tr(error)}
        </p>
      ) : null}
    </div>
  );
}

export function SelectField({
  name,
  label,
  errors,
  options,
  defaultValue,
}: {
  name: string;
  label: string;
  errors?: FieldErrors;
  options: { value: string; label: string }[];
  defaultValue?: string;
}) {
  const tr = useT();
  const error = errors?.[name];
  const id = `f-${name}`;
  return (
    <div className={`field${error ? " field--error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={defaultValue} aria-invalid={error ? true : undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error ? (
        <p className="field-error" role="alert">
          {tr(error)}
        </p>
      ) : null}
    </div>
  );
}

export function Alert({
  kind = "error",
  children,
  focusRef,
}: {
  kind?: "error" | "success" | "info" | "warning";
  children: ReactNode;
  /** Makes the alert focusable from script (tabindex -1), for moving focus to it. */
  focusRef?: Ref<HTMLDivElement>;
}) {
  return (
    <div className={`alert alert--${kind}`} role={kind === "error" ? "alert" : "status"} ref={focusRef} tabIndex={focusRef ? -1 : undefined}>
      {children}
    </div>
  );
}

/**
 * The form-level message: a business error key, or "fix the fields" when only fields are wrong.
 * Each time the server refuses the form, focus moves here (not left on <body> or the button), so a
 * keyboard or screen reader user starts from the error; each invalid field says what is wrong.
 */
export function FormErrors({ formError, errors }: { formError?: MessageKey; errors?: FieldErrors }) {
  const tr = useT();
  const ref = useRef<HTMLDivElement>(null);
  const message = formError ? tr(formError) : errors && Object.keys(errors).length ? tr("form.fixErrors") : null;
  // A new answer from the server is a new object: focus again after each refused submission.
  useEffect(() => {
    if (message) ref.current?.focus();
  }, [message, formError, errors]);
  if (!message) return null;
  return <Alert focusRef={ref}>{message}</Alert>;
}
