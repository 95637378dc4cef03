import type { ReactNode } from "react";
import { usageLevel, usageRatio } from "~/modules/inventory/elevation";
import { useFormat, useT } from "./i18n";

/**
 * A horizontal capacity bar: "used / total" as text and as a bar turning amber from 75 %, red from
 * 90 %. Plain CSS, no chart library. `text` is the already formatted "120 / 539 U".
 */
export function CapacityBar({
  label,
  value,
  max,
  text,
  detail,
  small,
}: {
  label: string;
  value: number;
  max: number;
  text: string;
  detail?: ReactNode;
  small?: boolean;
}) {
  const format = useFormat();
  const level = usageLevel(value, max);
  const ratio = usageRatio(value, max);
  const percent = max > 0 ? format.number(value / max, { style: "percent", maximumFractionDigits: 0 }) : "—";
  return (
    <div className={`capacity capacity--${level}${small ? " capacity--small" : ""}`}>
      <div className="capacity-head">
        <span className="capacity-label">{label}</span>
        <span className="capacity-value">{text}</span>
      </div>
      <div className="capacity-row">
        <div
          className="capacity-track"
          role="meter"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={Math.max(max, 0)}
          aria-valuenow={Math.min(value, Math.max(max, 0))}
          aria-valuetext={`${text} (${percent})`}
        >
          <div className="capacity-fill" style={{ width: `${(ratio * 100).toFixed(1)}%` }} />
        </div>
        <span className="capacity-percent" aria-hidden="true">
          {percent}
        </span>
      </div>
      {detail ? <div className="capacity-detail">{detail}</div> : null}
    </div>
  );
}

/** Watts, kilowatts, rack units and Mbps in the user's locale ("1 500 W", "12,5 kW", "10 Mbit/s"). */
export function useCapacityFormat() {
  const format = useFormat();
  const tr = useT();
  const n = (value: number) => format.number(value);
  return {
    w: (value: number) => tr("inventory.unit.w", { n: n(value) }),
    kw: (watts: number) => tr("inventory.unit.kw", { n: format.number(watts / 1000, { maximumFractionDigits: 1 }) }),
    u: (value: number) => tr("inventory.unit.u", { n: n(value) }),
    mbps: (value: number) => tr("inventory.unit.mbps", { n: n(value) }),
    /** "120 / 539 U" */
    usedOf: (used: string, total: string) => tr("inventory.usedOf", { used, total }),
    n,
  };
}
