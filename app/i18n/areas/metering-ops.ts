/** Messages of the meteringOps screens. Keys start with "meteringOps.". */
export const meteringOpsFr = {
} satisfies Record<string, string>;

export const meteringOpsEn: Record<keyof typeof meteringOpsFr, string> = {
};
