/** Messages of the inventory screens. Keys start with "inventory.". */
export const inventoryFr = {
} satisfies Record<string, string>;

export const inventoryEn: Record<keyof typeof inventoryFr, string> = {
};
