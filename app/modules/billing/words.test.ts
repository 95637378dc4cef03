import { amountInWords, numberInWords } from "./words";

test("French numbers that trip people up", () => {
  const fr = (n: number | bigint) => numberInWords(n, "fr");
  expect(fr(0)).toBe("zéro");
  expect(fr(21)).toBe("vingt et un");
  expect(fr(71)).toBe("soixante et onze");
  expect(fr(80)).toBe("quatre-vingts");
  expect(fr(81)).toBe("quatre-vingt-un");
  expect(fr(91)).toBe("quatre-vingt-onze");
  expect(fr(99)).toBe("quatre-vingt-dix-neuf");
  expect(fr(100)).toBe("cent");
  expect(fr(180)).toBe("cent quatre-vingts");
  expect(fr(200)).toBe("deux cents");
  expect(fr(201)).toBe("deux cent un");
  expect(fr(1000)).toBe("mille");
  expect(fr(2000)).toBe("deux mille");
  expect(fr(21_000)).toBe("vingt et un mille");
  expect(fr(80_000)).toBe("quatre-vingt mille");
  expect(fr(200_000)).toBe("deux cent mille");
  expect(fr(1_000_000)).toBe("un million");
  expect(fr(2_000_000)).toBe("deux millions");
  expect(fr(200_000_000)).toBe("deux cents millions");
  expect(fr(1_000_000_000n)).toBe("un milliard");
});

test("totals in words, francs CFA", () => {
  expect(amountInWords(1_345_200, "XOF", "fr")).toBe("un million trois cent quarante-cinq mille deux cents francs CFA");
  expect(amountInWords(1_345_200, "XOF", "en")).toBe("one million three hundred and forty-five thousand two hundred CFA francs");
  expect(amountInWords(1_874_637, "XAF", "fr")).toBe("un million huit cent soixante-quatorze mille six cent trente-sept francs CFA");
  expect(amountInWords(1_000_000, "XOF", "fr")).toBe("un million de francs CFA");
  expect(amountInWords(3_000_000_000, "XAF", "fr")).toBe("trois milliards de francs CFA");
  expect(amountInWords(1_000_080, "XOF", "fr")).toBe("un million quatre-vingts francs CFA");
  expect(amountInWords(1, "XOF", "fr")).toBe("un franc CFA");
  expect(amountInWords(0, "XOF", "fr")).toBe("zéro franc CFA");
  expect(amountInWords(1, "XAF", "en")).toBe("one CFA franc");
});

test("dollars and cents, Congolese francs and centimes", () => {
  expect(amountInWords(123_456, "USD", "fr")).toBe("mille deux cent trente-quatre dollars américains et cinquante-six cents");
  expect(amountInWords(123_456, "USD", "en")).toBe("one thousand two hundred and thirty-four US dollars and fifty-six cents");
  expect(amountInWords(104_542, "USD", "fr")).toBe("mille quarante-cinq dollars américains et quarante-deux cents");
  expect(amountInWords(100_000_000, "USD", "fr")).toBe("un million de dollars américains");
  expect(amountInWords(100, "USD", "en")).toBe("one US dollar");
  expect(amountInWords(101, "USD", "fr")).toBe("un dollar américain et un cent");
  expect(amountInWords(21, "USD", "fr")).toBe("vingt et un cents");
  expect(amountInWords(291_234_550, "CDF", "fr")).toBe("deux millions neuf cent douze mille trois cent quarante-cinq francs congolais et cinquante centimes");
  expect(amountInWords(291_234_550, "CDF", "en")).toBe("two million nine hundred and twelve thousand three hundred and forty-five Congolese francs and fifty centimes");
  expect(amountInWords(100_000_000_000n, "EUR", "fr")).toBe("un milliard d'euros");
});

test("refuses what it cannot say", () => {
  expect(() => amountInWords(-1, "XOF", "fr")).toThrow(RangeError);
  expect(() => amountInWords(1, "GBP", "fr")).toThrow(RangeError);
});
