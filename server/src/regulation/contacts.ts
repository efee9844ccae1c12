/**
 * Contacts: how a contact is classed when logged and which channels are in person
 * (docs/regulation.md, 第四条 2). Pure: the service loads statuses, these rules class.
 */

export type CustomerStatus = "prospect" | "active" | "churned" | "dropped";
export type ContactChannel = "visit" | "demo" | "phone" | "letter";
export type ContactTarget = "existing" | "prospect";

// ── classification ───────────────────────────────────────────────────────────

export type Classification = { ok: true; target: ContactTarget } | { ok: false; reason: "customer-dropped" };

/** Classed when logged: `existing` if active then; a churned customer being won back is prospecting. */
export function classifyContact(status: CustomerStatus): Classification {
  switch (status) {
    case "active":
      return { ok: true, target: "existing" };
    case "prospect":
    case "churned":
      return { ok: true, target: "prospect" };
    case "dropped":
      // refused until a manager reopens the customer
      return { ok: false, reason: "customer-dropped" };
  }
}

/** Visits and demos are in-person; only they count for the ratio, cadence and prospect review. */
export function isInPerson(channel: ContactChannel): boolean {
  return channel === "visit" || channel === "demo";
}
