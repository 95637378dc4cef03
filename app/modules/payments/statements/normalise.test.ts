import { compact, namesOrganisation, referenceCandidates } from "./normalise";

describe("statement text normalisation", () => {
  test.each([
    ["vir ldc 7k3q9x", ["LDC7K3Q9X"]],
    ["LDC7K3Q9X", ["LDC7K3Q9X"]],
    ["Paiement facture LDC-7K3Q9X merci", ["LDC7K3Q9X"]],
    ["ref: l.d.c-7k3q-9x / kossi", ["LDC7K3Q9X"]],
    ["LDC-AAAAAA et LDC-BBBBBB", ["LDCAAAAAA", "LDCBBBBBB"]],
    ["LDC-7K3", []],
    ["KIN 1234ZZ", ["KIN1234ZZ"]],
  ])("%j → %j", (label, expected) => {
    expect(referenceCandidates(label, ["LDC", "KIN", "BZV"])).toEqual(expected);
  });

  test("accents, case and punctuation do not hide a name", () => {
    expect(compact("Société Générale d'Électricité")).toBe("SOCIETEGENERALEDELECTRICITE");
    expect(namesOrganisation("VIREMENT DE SOCIETE GENERALE D ELECTRICITE", "Société Générale d'Électricité")).toBe(true);
    expect(namesOrganisation("Kossi", "Ko")).toBe(false);
  });
});
