/** Choices of the reconciliation pages, shared by the forms (server) and the pages (browser). */
export const SOURCE_KINDS = ["bank", "mobile_money"] as const;
export const SOURCE_METHODS = ["bank_transfer", "mtn_momo", "moov_flooz", "orange_money", "airtel_money", "mpesa", "cheque", "cash"] as const;
export const SOURCE_FORMATS = ["csv", "mt940", "camt053"] as const;
export const DATE_FORMATS = ["YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY", "DD-MM-YYYY"] as const;
/** Rows of the split form. */
export const SPLIT_ROWS = 3;
