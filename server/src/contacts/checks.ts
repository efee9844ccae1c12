import { repDayContacts, repMonthContacts, type Tx } from "@clubhouse/db";
import { and, eq, inArray, type SQL } from "drizzle-orm";

/**
 * docs/verified-visits.md: a rep's checks over a day or a month, from the maintained
 * counters (never the contacts). offSite, noPosition and noPin count the contacts not
 * accepted; `accepted` the ones a manager accepted; `inPerson` every checked visit and
 * demo (those logged before checks existed have none and are left out). Verified share =
 * (onSite + accepted) / inPerson (regulation/visit-check.ts `verifiedShare`).
 */
export interface Checks {
  inPerson: number;
  onSite: number;
  accepted: number;
  offSite: number;
  noPosition: number;
  noPin: number;
}

export const NO_CHECKS: Checks = { inPerson: 0, onSite: 0, accepted: 0, offSite: 0, noPosition: 0, noPin: 0 };

type CounterCols = {
  onSite: number | null;
  accepted: number | null;
  offSite: number | null;
  noPosition: number | null;
  noPin: number | null;
};

/** The checks of one counter row (absent: none). */
export function checksOf(row: CounterCols | null | undefined): Checks {
  if (!row) return { ...NO_CHECKS };
  const onSite = Number(row.onSite ?? 0);
  const accepted = Number(row.accepted ?? 0);
  const offSite = Number(row.offSite ?? 0);
  const noPosition = Number(row.noPosition ?? 0);
  const noPin = Number(row.noPin ?? 0);
  return { inPerson: onSite + accepted + offSite + noPosition + noPin, onSite, accepted, offSite, noPosition, noPin };
}

/** The check columns of rep_month_contacts, to select beside other columns. */
export const monthCheckColumns = {
  onSite: repMonthContacts.onSite,
  accepted: repMonthContacts.accepted,
  offSite: repMonthContacts.offSite,
  noPosition: repMonthContacts.noPosition,
  noPin: repMonthContacts.noPin,
};

/** Every rep's checks in a club month, by rep id (one read of the month rows); with `reps`, those reps' only. */
export async function monthChecks(tx: Tx, month: string, reps?: readonly string[]): Promise<Map<string, Checks>> {
  if (reps?.length === 0) return new Map();
  const rows = await tx
    .select({ repId: repMonthContacts.repId, ...monthCheckColumns })
    .from(repMonthContacts)
    .where(and(eq(repMonthContacts.month, month), reps ? inArray(repMonthContacts.repId, [...reps]) : undefined));
  return new Map(rows.map((r) => [r.repId, checksOf(r)]));
}

/** The checks of reps' club days, keyed `repId day`: the diary's figures. */
export async function dayChecks(tx: Tx, where: SQL | undefined): Promise<Map<string, Checks>> {
  const rows = await tx
    .select({
      repId: repDayContacts.repId,
      day: repDayContacts.day,
      onSite: repDayContacts.onSite,
      accepted: repDayContacts.accepted,
      offSite: repDayContacts.offSite,
      noPosition: repDayContacts.noPosition,
      noPin: repDayContacts.noPin,
    })
    .from(repDayContacts)
    .where(where);
  return new Map(rows.map((r) => [`${r.repId} ${r.day}`, checksOf(r)]));
}
