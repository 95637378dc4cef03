import { z } from "zod";
import type { FieldErrors } from "~/utils/forms";
import { isMessageKey } from "~/i18n";
import type { ApprovalPlacement } from "./approve.server";
import { isoDate } from "./schemas.server";

/**
 * The operator's approval form, as the browser posts it (works without JavaScript):
 *
 *   startOn=2027-01-01
 *   placements.0.rackId=<uuid>  placements.0.kind=units  placements.0.firstU=1  placements.0.lastU=10  placements.0.powerW=2000
 *   placements.1.rackId=…       (one group per slot; a slot whose rack is left empty is skipped)
 *   portIds=<uuid>  portIds=<uuid>   (repeated checkboxes)
 *
 * Field names are the error paths, so a message lands next to its field.
 */
export const MAX_PLACEMENTS = 24;
const PLACEMENT_FIELDS = ["rackId", "kind", "firstU", "lastU", "powerW"] as const;
type PlacementField = (typeof PLACEMENT_FIELDS)[number];
const FIELD_NAME = /^placements\.(\d{1,2})\.(rackId|kind|firstU|lastU|powerW)$/;

/** What the form holds, as strings: to show the operator's values again after an error. */
export interface ApprovalFormValues {
  startOn: string;
  placements: Record<PlacementField, string>[];
  portIds: string[];
}

/** The submitted values, untrusted, shaped like the form. */
export function approvalFormValues(formData: FormData): ApprovalFormValues {
  const placements: Record<PlacementField, string>[] = [];
  for (const [key, value] of formData.entries()) {
    const match = FIELD_NAME.exec(key);
    if (!match || typeof value !== "string") continue;
    const index = Number(match[1]);
    if (index >= MAX_PLACEMENTS) continue;
    while (placements.length <= index) placements.push({ rackId: "", kind: "", firstU: "", lastU: "", powerW: "" });
    placements[index][match[2] as PlacementField] = value.slice(0, 100);
  }
  const startOn = formData.get("startOn");
  return {
    startOn: typeof startOn === "string" ? startOn.slice(0, 40) : "",
    placements,
    portIds: formData
      .getAll("portIds")
      .filter((v): v is string => typeof v === "string")
      .slice(0, 200)
      .map((v) => v.slice(0, 100)),
  };
}

const required = z.string({ error: "error.required" }).trim().min(1, { error: "error.required" });
const integer = (max: number, message: "approvals.error.unit" | "approvals.error.power", min: number) =>
  required
    .regex(/^\d{1,7}$/, { error: message })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: message }).max(max, { error: message }));

/** A rack unit number: 1 … 100 (no rack is that tall; the rack's own height is checked below). */
const unit = integer(100, "approvals.error.unit", 1);
/** Watts: 0 … 1 000 000. */
const watts = integer(1_000_000, "approvals.error.power", 0);

const PlacementSchema = z
  .object({
    rackId: required.pipe(z.uuid({ error: "approvals.error.rack" })),
    kind: z.enum(["units", "half_rack", "full_rack"], { error: "error.invalidChoice" }),
    firstU: unit,
    lastU: unit,
    powerW: watts,
  })
  .superRefine((p, ctx) => {
    if (p.lastU < p.firstU) ctx.addIssue({ code: "custom", path: ["lastU"], message: "approvals.error.unitOrder" });
  });

const PortsSchema = z.array(z.uuid({ error: "approvals.error.port" })).max(200, { error: "approvals.error.port" });

/** A slot left without a rack and without numbers is an unused slot (e.g. the optional extra block of units). */
const isBlank = (p: Record<PlacementField, string>) => !p.rackId.trim() && !p.firstU.trim() && !p.lastU.trim() && (!p.powerW.trim() || p.powerW.trim() === "0");

export type ApprovalFormResult =
  | { ok: true; data: { startOn: string; placements: ApprovalPlacement[]; portIds: string[] }; values: ApprovalFormValues }
  | { ok: false; errors: FieldErrors; values: ApprovalFormValues };

/**
 * Parse the approval form. `racks` are the racks of the request's site with their height: a rack
 * of another site is refused here, and so is a unit beyond the rack's top. Whether the placement
 * matches the request, and whether the units and power are still free, is for `approveRequest`
 * and the database to say.
 */
export function parseApprovalForm(formData: FormData, racks: { id: string; heightU: number }[]): ApprovalFormResult {
  const values = approvalFormValues(formData);
  const errors: FieldErrors = {};
  const add = (field: string, message: string) => {
    errors[field] ??= isMessageKey(message) ? message : "error.invalid";
  };

  const start = isoDate.safeParse(values.startOn || undefined);
  if (!start.success) add("startOn", start.error.issues[0]?.message ?? "error.invalid");

  const placements: ApprovalPlacement[] = [];
  values.placements.forEach((raw, index) => {
    if (isBlank(raw)) return;
    const parsed = PlacementSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) add(`placements.${index}.${issue.path.join(".")}`, issue.message);
      return;
    }
    const rack = racks.find((r) => r.id === parsed.data.rackId);
    if (!rack) return add(`placements.${index}.rackId`, "approvals.error.rackUnknown");
    if (parsed.data.lastU > rack.heightU) return add(`placements.${index}.lastU`, "approvals.error.unitBeyond");
    placements.push(parsed.data);
  });

  const ports = PortsSchema.safeParse(values.portIds);
  if (!ports.success) add("portIds", ports.error.issues[0]?.message ?? "approvals.error.port");

  if (Object.keys(errors).length || !start.success || !ports.success) return { ok: false, errors, values };
  return { ok: true, data: { startOn: start.data, placements, portIds: ports.data }, values };
}
