import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { canAssignRole, OPERATOR_ROLES, operatorCan, operatorPermissions, TENANT_ROLES, tenantCan, tenantPermissions } from "./permissions";

test("tenant roles", () => {
  expect(tenantCan("owner", "members:manage")).toBe(true);
  expect(tenantCan("admin", "members:manage")).toBe(true);
  for (const role of ["billing", "technical", "viewer"] as const) expect(tenantCan(role, "members:manage")).toBe(false);
  expect(tenantCan("technical", "requests:create")).toBe(true);
  expect(tenantCan("billing", "requests:create")).toBe(false);
  expect(tenantCan("viewer", "requests:create")).toBe(false);
  expect(tenantCan("billing", "invoices:pay")).toBe(true);
  expect(tenantCan("viewer", "invoices:read")).toBe(true);
});

test("operator roles", () => {
  expect(operatorCan("ops_noc", "requests:approve")).toBe(true);
  expect(operatorCan("ops_finance", "requests:approve")).toBe(false);
  expect(operatorCan("ops_finance", "billing:manage")).toBe(true);
  expect(operatorCan("ops_noc", "billing:manage")).toBe(false);
  expect(operatorCan("ops_noc", "orgs:verify")).toBe(false);
  expect(operatorCan("ops_admin", "audit:read")).toBe(true);
});

test("only owners grant or touch the owner role", () => {
  expect(canAssignRole("owner", "owner")).toBe(true);
  expect(canAssignRole("admin", "owner")).toBe(false);
  expect(canAssignRole("admin", "billing")).toBe(true);
  expect(canAssignRole("billing", "viewer")).toBe(false);
});

test("terminating a contract and the price list have their own rights", () => {
  // Ending a contract commits the organisation: owners and admins, not whoever may file a request.
  expect(tenantCan("owner", "contracts:terminate")).toBe(true);
  expect(tenantCan("admin", "contracts:terminate")).toBe(true);
  for (const role of ["billing", "technical", "viewer"] as const) expect(tenantCan(role, "contracts:terminate")).toBe(false);
  // Prices are commercial.
  expect(operatorCan("ops_admin", "prices:manage")).toBe(true);
  expect(operatorCan("ops_finance", "prices:manage")).toBe(true);
  expect(operatorCan("ops_noc", "prices:manage")).toBe(false);
});

/**
 * The README's "Roles and permissions" tables, read back: for each table, its role columns and,
 * per permission row, the roles ticked.
 */
function readmeMatrix() {
  const readme = readFileSync(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");
  const start = readme.indexOf("## Roles and permissions");
  expect(start).toBeGreaterThanOrEqual(0);
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const tables: { roles: string[]; rows: Record<string, string[]> }[] = [];
  let current: (typeof tables)[number] | undefined;
  for (const line of section.split("\n")) {
    if (!line.startsWith("|")) {
      current = undefined;
      continue;
    }
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (!current) {
      // Header: permission | what it allows | role | role …
      current = { roles: cells.slice(2), rows: {} };
      tables.push(current);
    } else if (!cells[0].startsWith("---")) {
      const permission = cells[0].replace(/`/g, "");
      current.rows[permission] = current.roles.filter((_, i) => cells[i + 2] === "✓");
      // Only ticks or nothing: a stray mark would be read as "no".
      for (const cell of cells.slice(2)) expect(["", "✓"]).toContain(cell);
    }
  }
  return tables;
}

test("the README's permission matrix is the code's, cell for cell", () => {
  const [tenant, operator] = readmeMatrix();
  expect(tenant.roles).toEqual([...TENANT_ROLES]);
  expect(operator.roles).toEqual([...OPERATOR_ROLES]);
  const fromCode = (table: Record<string, readonly string[]>, roles: readonly string[]) =>
    Object.fromEntries(Object.entries(table).map(([permission, allowed]) => [permission, roles.filter((r) => allowed.includes(r))]));
  expect(tenant.rows).toEqual(fromCode(tenantPermissions, TENANT_ROLES));
  expect(operator.rows).toEqual(fromCode(operatorPermissions, OPERATOR_ROLES));
});
