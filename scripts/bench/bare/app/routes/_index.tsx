import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

/** One loader, twenty table rows: the bare route the portal's pages are measured against. */
export async function loader() {
  return json({
    rows: Array.from({ length: 20 }, (_, i) => ({ id: i + 1, name: `Ligne ${i + 1}`, amountMinor: (i + 1) * 12_500, on: `2026-11-${String(i + 1).padStart(2, "0")}` })),
  });
}

export default function Index() {
  const { rows } = useLoaderData<typeof loader>();
  return (
    <main>
      <h1>Bare route</h1>
      <table>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{r.name}</td>
              <td>{r.on}</td>
              <td>{new Intl.NumberFormat("fr-FR", { style: "currency", currency: "XOF" }).format(r.amountMinor)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
