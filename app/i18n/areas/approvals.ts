/** Messages of the operators' approval queue and contract screens. Keys start with "approvals.". */
export const approvalsFr = {
  "approvals.allocationLabel": "Baie {rack} ({room}) — U{first} à U{last}",
  "approvals.portsLabel": "{count} port(s) d'interconnexion",
} satisfies Record<string, string>;

export const approvalsEn: Record<keyof typeof approvalsFr, string> = {
  "approvals.allocationLabel": "Rack {rack} ({room}) — U{first} to U{last}",
  "approvals.portsLabel": "{count} cross-connect port(s)",
};
