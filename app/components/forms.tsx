import type { ReactNode } from "react";
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

export function Alert({ kind = "error", children }: { kind?: "error" | "success" | "info" | "warning"; children: ReactNode }) {
  return (
    <div className={`alert alert--${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}

/** The form-level message: a business error key, or "fix the fields" when only fields are wrong. */
export function FormErrors({ formError, errors }: { formError?: MessageKey; errors?: FieldErrors }) {
  const tr = useT();
  if (formError) return <Alert>{tr(formError)}</Alert>;
  if (errors && Object.keys(errors).length) return <Alert>{tr("form.fixErrors")}</Alert>;
  return null;
}
