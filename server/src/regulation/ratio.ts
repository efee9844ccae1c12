import { type ContactChannel, type ContactTarget, isInPerson } from "./contacts.ts";

/** The 1:3 ratio of prospect to existing-customer visits (docs/regulation.md, 第四条 2②). Pure. */

export interface Ratio {
  existing: number;
  prospect: number;
  required: number;
  shortfall: number;
  compliant: boolean;
}

// 第四条 2②: one prospect visit for every three existing-customer visits.
export function ratio(existing: number, prospect: number): Ratio {
  const required = Math.ceil(existing / 3);
  return { existing, prospect, required, shortfall: Math.max(0, required - prospect), compliant: 3 * prospect >= existing };
}

export interface CountedContact {
  channel: ContactChannel;
  target: ContactTarget;
  voided: boolean;
}

/** The ratio over a rep's contacts for a period: in-person, not voided. */
export function ratioOf(contacts: readonly CountedContact[]): Ratio {
  let existing = 0;
  let prospect = 0;
  for (const c of contacts) {
    if (c.voided || !isInPerson(c.channel)) continue;
    if (c.target === "existing") existing++;
    else prospect++;
  }
  return ratio(existing, prospect);
}
