import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { en } from "~/i18n/en";
import { fr } from "~/i18n/fr";
import { AUDIT_ACTIONS, AUDIT_ENTITIES, auditActionLabel, neutraliseFormula } from "./actions";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SCANNED = ["app", "db", "seeds", "scripts"];

function sources(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(sources(path));
    else if (/\.(ts|tsx|mjs)$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

/** The text of each `recordAudit(...)` call: from the opening parenthesis to its match. */
function recordAuditCalls(text: string): string[] {
  const calls: string[] = [];
  const re = /\brecordAudit\s*\(/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // The definition itself (`function recordAudit(`) is not a call.
    if (/function\s+$/.test(text.slice(Math.max(0, m.index - 20), m.index))) continue;
    let depth = 0;
    let i = m.index + m[0].length - 1;
    for (; i < text.length; i++) {
      if (text[i] === "(") depth++;
      else if (text[i] === ")" && --depth === 0) break;
    }
    calls.push(text.slice(m.index, i + 1));
  }
  return calls;
}

/** The expression after `<property>:` in a call's object literal, up to the next property or the end. */
function propertyExpression(call: string, property: string): string | undefined {
  const m = new RegExp(`\\b${property}\\s*:\\s*([\\s\\S]*?)(?:,\\s*\\n|,\\s*[a-zA-Z]+\\s*:|\\s*}\\s*\\))`).exec(call);
  return m?.[1];
}

/** String literals in an expression; a template literal becomes a pattern (`${…}` matches a word). */
function literals(expression: string): { text: string; pattern?: RegExp }[] {
  const out: { text: string; pattern?: RegExp }[] = [];
  for (const m of expression.matchAll(/"([^"\\]*)"|'([^'\\]*)'|`([^`\\]*)`/g)) {
    if (m[3] !== undefined && m[3].includes("${")) {
      const source = m[3]
        .split(/\$\{[^}]*\}/)
        .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
        .join("[a-z_]+");
      out.push({ text: m[3], pattern: new RegExp(`^${source}$`) });
    } else out.push({ text: m[1] ?? m[2] ?? m[3] });
  }
  return out;
}

const calls = SCANNED.flatMap((dir) =>
  sources(join(ROOT, dir)).flatMap((file) => recordAuditCalls(readFileSync(file, "utf8")).map((call) => ({ file: relative(ROOT, file), call }))),
);

describe("audit action labels", () => {
  test("the scan finds the audit calls of the code (guards against a scan that finds nothing)", () => {
    expect(calls.length).toBeGreaterThan(25);
  });

  test("every action recorded anywhere in the code has a label in the map", () => {
    const unlabelled: string[] = [];
    for (const { file, call } of calls) {
      const expression = propertyExpression(call, "action");
      if (!expression) {
        unlabelled.push(`${file}: no literal action in ${call.slice(0, 120)}`);
        continue;
      }
      const found = literals(expression);
      if (!found.length) unlabelled.push(`${file}: action is not a literal (${expression.trim()})`);
      for (const literal of found) {
        const labelled = literal.pattern ? Object.keys(AUDIT_ACTIONS).some((a) => literal.pattern!.test(a)) : auditActionLabel(literal.text) !== undefined;
        if (!labelled) unlabelled.push(`${file}: "${literal.text}"`);
      }
    }
    expect(unlabelled, "add each of these to AUDIT_ACTIONS (app/modules/audit/actions.ts) and its label to app/i18n/areas/audit.ts").toEqual([]);
  });

  test("every kind of entity recorded has a label", () => {
    const missing = calls.flatMap(({ file, call }) =>
      literals(propertyExpression(call, "entityType") ?? "")
        .filter((l) => !Object.hasOwn(AUDIT_ENTITIES, l.text))
        .map((l) => `${file}: "${l.text}"`),
    );
    expect(missing).toEqual([]);
  });

  test("each label is a real message in French and in English", () => {
    for (const key of [...Object.values(AUDIT_ACTIONS), ...Object.values(AUDIT_ENTITIES)]) {
      expect(fr[key], key).toBeTruthy();
      expect(en[key], key).toBeTruthy();
      expect(en[key], key).not.toBe(key);
    }
  });

  test("the scan itself reads the shapes the code uses: a literal, a ternary, a template", () => {
    const sample = `await recordAudit(trx, {
      actor: null,
      action: input.active ? "inventory.product_activated" : "inventory.product_deactivated",
      entityType: "product",
    });
    await recordAudit(trx, { actor, action: \`org.\${input.transition}\`, entityType: "organisation", entityId: id });
    await recordAudit(trx, { actor, action: "nobody.knows", entityType: "rack", entityId: id });`;
    const found = recordAuditCalls(sample).map((c) => literals(propertyExpression(c, "action") ?? "").map((l) => l.text));
    expect(found).toEqual([["inventory.product_activated", "inventory.product_deactivated"], ["org.${input.transition}"], ["nobody.knows"]]);
    expect(auditActionLabel("nobody.knows")).toBeUndefined();
  });
});

describe("spreadsheet formula guard", () => {
  test.each([
    ["=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"],
    ["+33 6", "'+33 6"],
    ["-1+1", "'-1+1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["ops@example.org", "ops@example.org"],
    ["Kossi Digital", "Kossi Digital"],
    ["", ""],
  ])("%j → %j", (input, output) => {
    expect(neutraliseFormula(input)).toBe(output);
  });
});
