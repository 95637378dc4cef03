import { canAssignRole, operatorCan, tenantCan } from "./permissions";

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
