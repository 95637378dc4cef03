import { fr } from "./fr";
import { en } from "./en";
import { currentDictionary, dictionaryFile, dictionaryResponse, dictionaryUrl, DICTIONARY_CACHE_CONTROL } from "./dictionary.server";
import { loader } from "~/routes/i18n.$file";

const get = (name: string) => loader({ params: { file: name }, request: new Request(`http://portal.test/i18n/${name}`), context: { nonce: "", ip: "" } }) as Promise<Response>;

describe("the dictionary file of each language", () => {
  test("is named by a fingerprint of its content and served immutable, for a year", async () => {
    for (const [locale, messages] of [["fr", fr], ["en", en]] as const) {
      const url = dictionaryUrl(locale, "operator");
      expect(url).toMatch(new RegExp(`^/i18n/${locale}\\.[0-9a-f]{16}\\.json$`));
      const response = await get(url.split("/").pop()!);
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
      expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(await response.json()).toEqual(messages);
    }
    expect(DICTIONARY_CACHE_CONTROL).toContain("immutable");
  });

  test("a changed dictionary gets a new fingerprint; the same content keeps its name", () => {
    const before = dictionaryFile("fr", fr);
    expect(dictionaryFile("fr", { ...fr }).name).toBe(before.name);
    const changed = dictionaryFile("fr", { ...fr, "app.name": `${fr["app.name"]} !` });
    expect(changed.hash).not.toBe(before.hash);
    expect(changed.url).not.toBe(before.url);
    expect(currentDictionary("fr").name).toBe(before.name);
    expect(dictionaryFile("en", en).hash).not.toBe(before.hash);
  });

  test("an older fingerprint gets the current messages uncached; anything else is a 404", async () => {
    const stale = await get("fr.0123456789abcdef.json");
    expect(stale.status).toBe(200);
    expect(stale.headers.get("Cache-Control")).toBe("no-store");
    expect(await stale.json()).toEqual(fr);
    for (const name of ["de.0123456789abcdef.json", "fr.json", "../fr.ts", "fr.0123456789ABCDEF.json"]) {
      const response = dictionaryResponse(name);
      expect(response.status, name).toBe(404);
    }
  });
});
