import { Fragment, useId } from "react";
import { elevationSegments, tenantColours, type ElevationAllocation } from "~/modules/inventory/elevation";
import { useT } from "./i18n";

export type { ElevationAllocation };

/**
 * A rack drawn unit by unit, U1 at the bottom (as NetBox draws it), in plain SVG: allocated blocks
 * coloured per tenant with the tenant's name, free units light, a rack in maintenance hatched.
 * `compact` draws a small thumbnail without text (tooltips only).
 *
 * Screen readers get the rack as text: the picture's name and a summary, and (full size) a visually
 * hidden table of the units top to bottom with their occupant. A block dimmed beside a highlighted
 * one keeps readable text (dark on a pale fill, 8.9:1 or more), not a faded white (about 2:1).
 */
export function RackElevation({
  name,
  height,
  allocations,
  compact,
  maintenance,
}: {
  /** The rack's name, for the accessible title. */
  name?: string;
  height: number;
  allocations: ElevationAllocation[];
  compact?: boolean;
  maintenance?: boolean;
}) {
  const tr = useT();
  const uid = useId().replace(/:/g, "");
  const segments = elevationSegments(height, allocations);
  const colours = tenantColours(allocations.map((a) => a.label));
  const anyHighlight = allocations.some((a) => a.highlight);

  const unitH = compact ? 5 : 18;
  const numW = compact ? 0 : 30;
  const rail = compact ? 4 : 12;
  const innerW = compact ? 46 : 230;
  const pad = compact ? 4 : 12;
  // Room above the units for the maintenance banner.
  const padTop = maintenance && !compact ? 30 : pad;
  const width = numW + rail * 2 + innerW;
  const heightPx = padTop + pad + height * unitH;
  const x0 = numW + rail;
  const yOf = (u: number) => padTop + (height - u) * unitH; // top edge of unit u
  const maxChars = Math.floor((innerW - 20) / 7);
  const clip = (text: string) => (text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text);

  const usedU = segments.filter((s) => s.type === "allocated").reduce((n, s) => n + s.lastU - s.firstU + 1, 0);
  const range = (first: number, last: number) => (first === last ? `U${first}` : `U${first}–U${last}`);
  const kindLabel = (kind: ElevationAllocation["kind"]) => tr(`inventory.allocationKind.${kind}`);
  const title = tr("inventory.elevation.title", { name: name ?? "", height });
  const summary = [tr("inventory.elevation.summary", { used: usedU, free: height - usedU, height }), maintenance ? tr("inventory.elevation.maintenance") : ""]
    .filter(Boolean)
    .join(" ");
  // The thumbnail's description lists the occupants; the full drawing has the table below instead.
  const desc = [
    summary,
    ...(compact ? segments : [])
      .filter((s) => s.type === "allocated")
      .reverse()
      .map((s) =>
        s.type === "allocated"
          ? `${s.allocation.label}: ${range(s.firstU, s.lastU)} (${kindLabel(s.allocation.kind)}${s.allocation.detail ? `, ${s.allocation.detail}` : ""}).`
          : "",
      ),
  ]
    .filter(Boolean)
    .join(" ");

  const picture = (
    <svg
      className={`rack-elevation${compact ? " rack-elevation--compact" : ""}`}
      viewBox={`0 0 ${width} ${heightPx}`}
      width={width}
      role="img"
      aria-label={title}
      aria-describedby={`${uid}-desc`}
    >
      <title>{title}</title>
      <desc id={`${uid}-desc`}>{desc}</desc>
      <defs>
        <pattern id={`${uid}-hatch`} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="8" height="8" fill="#fff4d6" />
          <line x1="0" y1="0" x2="0" y2="8" stroke="#e0b44c" strokeWidth="3" />
        </pattern>
      </defs>
      {/* Frame and rails */}
      <rect x={numW} y={0} width={innerW + rail * 2} height={heightPx} rx={compact ? 2 : 6} fill="#2b3440" />
      <rect x={x0} y={padTop} width={innerW} height={height * unitH} fill="#f7f9fb" />
      {segments.map((s) => {
        const y = yOf(s.lastU);
        const h = (s.lastU - s.firstU + 1) * unitH;
        if (s.type === "free") {
          return (
            <g key={`free-${s.firstU}`} className="rack-free">
              <title>{`${range(s.firstU, s.lastU)} · ${tr("inventory.elevation.free")}`}</title>
              <rect x={x0} y={y} width={innerW} height={h} fill={maintenance ? `url(#${uid}-hatch)` : "#f7f9fb"} />
              {Array.from({ length: s.lastU - s.firstU + 1 }, (_, i) => (
                <line
                  key={i}
                  x1={x0}
                  x2={x0 + innerW}
                  y1={y + (i + 1) * unitH}
                  y2={y + (i + 1) * unitH}
                  stroke="#dde3ea"
                  strokeWidth={compact ? 0.5 : 1}
                />
              ))}
            </g>
          );
        }
        const a = s.allocation;
        const fill = colours.get(a.label) ?? "#4a5a8a";
        const dim = anyHighlight && !a.highlight;
        const tip = `${a.label} · ${range(s.firstU, s.lastU)} · ${kindLabel(a.kind)}${a.detail ? ` · ${a.detail}` : ""}`;
        return (
          <g key={`a-${s.firstU}`} className={`rack-block${dim ? " rack-block--dim" : ""}`}>
            <title>{tip}</title>
            <rect
              x={x0 + 1}
              y={y + 1}
              width={innerW - 2}
              height={h - 2}
              rx={compact ? 1 : 3}
              fill={fill}
              fillOpacity={dim ? 0.3 : 1}
              stroke={a.highlight ? "#f5b700" : "rgb(0 0 0 / 25%)"}
              strokeWidth={a.highlight ? (compact ? 2 : 3) : 1}
            />
            {compact ? null : (
              <text
                x={x0 + innerW / 2}
                y={y + h / 2 - (h >= unitH * 2 ? 6 : 0)}
                fill={dim ? "#1b2430" : "#fff"}
                fontSize="11.5"
                fontWeight="600"
                textAnchor="middle"
                dominantBaseline="central"
              >
                {clip(h >= unitH * 2 ? a.label : `${a.label} · ${range(s.firstU, s.lastU)}`)}
              </text>
            )}
            {!compact && h >= unitH * 2 ? (
              <text x={x0 + innerW / 2} y={y + h / 2 + 8} fill={dim ? "#1b2430" : "#fff"} fontSize="10" textAnchor="middle" dominantBaseline="central">
                {clip(`${range(s.firstU, s.lastU)} · ${kindLabel(a.kind)}`)}
              </text>
            ) : null}
          </g>
        );
      })}
      {compact
        ? null
        : Array.from({ length: height }, (_, i) => {
            const u = i + 1;
            return (
              <text
                key={u}
                x={numW - 5}
                y={yOf(u) + unitH / 2}
                fontSize="10"
                fill="#5b6777"
                textAnchor="end"
                dominantBaseline="central"
                aria-hidden="true"
              >
                {u}
              </text>
            );
          })}
      {maintenance && !compact ? (
        <g aria-hidden="true">
          <rect x={x0 + innerW / 2 - 62} y={6} width={124} height={18} rx={9} fill="#9a6700" />
          <text x={x0 + innerW / 2} y={15} fill="#fff" fontSize="10.5" fontWeight="700" textAnchor="middle" dominantBaseline="central">
            {tr("inventory.status.maintenance").toUpperCase()}
          </text>
        </g>
      ) : null}
    </svg>
  );
  if (compact) return picture;
  return (
    <Fragment>
      {picture}
      <table className="visually-hidden">
        <caption>{`${title}. ${summary}`}</caption>
        <thead>
          <tr>
            <th scope="col">{tr("inventory.elevation.col.units")}</th>
            <th scope="col">{tr("inventory.elevation.col.occupant")}</th>
            <th scope="col">{tr("inventory.elevation.col.kind")}</th>
          </tr>
        </thead>
        <tbody>
          {[...segments].reverse().map((s) => (
            <tr key={s.firstU}>
              <th scope="row">{range(s.firstU, s.lastU)}</th>
              <td>{s.type === "allocated" ? s.allocation.label : tr("inventory.elevation.free")}</td>
              <td>{s.type === "allocated" ? `${kindLabel(s.allocation.kind)}${s.allocation.detail ? `, ${s.allocation.detail}` : ""}` : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Fragment>
  );
}
