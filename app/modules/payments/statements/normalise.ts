/**
 * How a statement's free text is compared with the portal's references and names: upper case,
 * accents dropped, and nothing but letters and digits kept ("vir ldc 7k3q9x" → "VIRLDC7K3Q9X").
 */
export function compact(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "");
}

/** A payment reference without its dash ("LDC-7K3Q9X" → "LDC7K3Q9X"), as the index stores it. */
export const compactReference = (reference: string) => reference.toUpperCase().replace(/-/g, "");

/** Length of the code after the site code in a payment reference (`newPaymentReference`). */
export const REFERENCE_CODE_LENGTH = 6;

/**
 * The payment references a label may carry: wherever a site code starts in the compacted label,
 * the site code and the next six characters. The database then says which of them exist.
 */
export function referenceCandidates(label: string, siteCodes: readonly string[]): string[] {
  const text = compact(label);
  const out = new Set<string>();
  for (const code of siteCodes) {
    for (let i = text.indexOf(code); i >= 0; i = text.indexOf(code, i + 1)) {
      const candidate = text.slice(i, i + code.length + REFERENCE_CODE_LENGTH);
      if (candidate.length === code.length + REFERENCE_CODE_LENGTH) out.add(candidate);
    }
  }
  return [...out];
}

/** Does the statement text name the organisation? Compacted names of at least 3 characters only. */
export function namesOrganisation(text: string, orgName: string): boolean {
  const name = compact(orgName);
  return name.length >= 3 && compact(text).includes(name);
}
