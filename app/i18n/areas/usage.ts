/** Messages of the usage screens. Keys start with "usage.". */
export const usageFr = {
} satisfies Record<string, string>;

export const usageEn: Record<keyof typeof usageFr, string> = {
};
