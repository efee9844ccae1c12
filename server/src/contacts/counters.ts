import { contactAcceptances, contacts, contactVoids, repDayContacts, repMonthContacts, rowsOf, type Tx } from "@clubhouse/db";
import { sql } from "drizzle-orm";
import { ratioOf } from "../regulation/ratio.ts";
import type { ContactRow } from "./view.ts";

// ── counters ─────────────────────────────────────────────────────────────────

function counterDelta(c: Pick<Counted, "channel" | "target" | "visitCheck" | "accepted">, sign: 1 | -1) {
  // what the contact adds to the 1:3 ratio's counts: the counters are ratioOf summed by day and month
  const counts = ratioOf([{ channel: c.channel, target: c.target, voided: false }]);
  // its check (docs/verified-visits.md): an accepted one counts in `accepted`, not in its state's column
  const check = c.accepted ? "accepted" : c.visitCheck;
  return {
    existingInPerson: sign * counts.existing,
    prospectInPerson: sign * counts.prospect,
    visits: c.channel === "visit" ? sign : 0,
    demos: c.channel === "demo" ? sign : 0,
    calls: c.channel === "phone" ? sign : 0,
    letters: c.channel === "letter" ? sign : 0,
    onSite: check === "on_site" ? sign : 0,
    offSite: check === "off_site" ? sign : 0,
    noPosition: check === "no_position" ? sign : 0,
    noPin: check === "no_pin" ? sign : 0,
    accepted: check === "accepted" ? sign : 0,
  };
}

type Counted = Pick<ContactRow, "repId" | "day" | "month" | "channel" | "target" | "inPerson" | "visitCheck"> & { accepted?: boolean };

/**
 * Additive UPSERT in the contacts' transaction: concurrent writers add, never overwrite.
 * One statement for any number of contacts (summed per row first): the day rows, in
 * (rep, day) order, and then the month rows, in (rep, month) order — the month insert
 * waits for every day row (it counts the day upsert's RETURNING), so every writer
 * takes its day rows before its month rows and no two writers deadlock on them.
 */
export async function addToCounters(tx: Tx, tenantId: string, counted: Counted[], sign: 1 | -1) {
  if (counted.length === 0) return;
  const json = JSON.stringify(
    counted.map((c) => {
      const d = counterDelta(c, sign);
      return {
        rep_id: c.repId,
        day: c.day,
        month: c.month,
        existing_in_person: d.existingInPerson,
        prospect_in_person: d.prospectInPerson,
        visits: d.visits,
        demos: d.demos,
        calls: d.calls,
        letters: d.letters,
        on_site: d.onSite,
        off_site: d.offSite,
        no_position: d.noPosition,
        no_pin: d.noPin,
        accepted: d.accepted,
      };
    }),
  );
  await tx.execute(sql`
    with x as (
      select * from jsonb_to_recordset(${json}::jsonb) as x(rep_id uuid, day date, month text, existing_in_person int,
        prospect_in_person int, visits int, demos int, calls int, letters int, on_site int, off_site int, no_position int,
        no_pin int, accepted int)
    ),
    d as (
      insert into ${repDayContacts} as r (tenant_id, rep_id, day, month, existing_in_person, prospect_in_person, visits, demos, calls, letters,
        on_site, off_site, no_position, no_pin, accepted)
      select ${tenantId}::uuid, rep_id, day, min(month), sum(existing_in_person), sum(prospect_in_person), sum(visits),
        sum(demos), sum(calls), sum(letters), sum(on_site), sum(off_site), sum(no_position), sum(no_pin), sum(accepted)
      from x group by rep_id, day order by rep_id, day
      on conflict (tenant_id, rep_id, day) do update set ${addExcluded("r")}
      returning 1
    )
    insert into ${repMonthContacts} as m (tenant_id, rep_id, month, existing_in_person, prospect_in_person, visits, demos, calls, letters,
      on_site, off_site, no_position, no_pin, accepted)
    select ${tenantId}::uuid, rep_id, month, sum(existing_in_person), sum(prospect_in_person), sum(visits), sum(demos),
      sum(calls), sum(letters), sum(on_site), sum(off_site), sum(no_position), sum(no_pin), sum(accepted)
    from x where (select count(*) from d) > 0
    group by rep_id, month order by rep_id, month
    on conflict (tenant_id, rep_id, month) do update set ${addExcluded("m")}`);
}

const COUNTER_COLUMNS = [
  "existing_in_person",
  "prospect_in_person",
  "visits",
  "demos",
  "calls",
  "letters",
  "on_site",
  "off_site",
  "no_position",
  "no_pin",
  "accepted",
] as const;

/** `col = alias.col + excluded.col` for every counter column. */
function addExcluded(alias: "r" | "m") {
  return sql.raw(COUNTER_COLUMNS.map((col) => `${col} = ${alias}.${col} + excluded.${col}`).join(", "));
}

/**
 * An acceptance (docs/verified-visits.md) moves one contact from its check's column to
 * `accepted`, on its day row and then its month row (the order every writer takes them in).
 */
export async function moveToAccepted(tx: Tx, tenantId: string, c: Pick<ContactRow, "repId" | "day" | "month" | "visitCheck">) {
  const col = sql.raw(c.visitCheck as "off_site" | "no_position" | "no_pin");
  await tx.execute(sql`
    with d as (
      update ${repDayContacts} set ${col} = ${col} - 1, accepted = accepted + 1
      where tenant_id = ${tenantId}::uuid and rep_id = ${c.repId}::uuid and day = ${c.day}::date
      returning 1
    )
    update ${repMonthContacts} set ${col} = ${col} - 1, accepted = accepted + 1
    where tenant_id = ${tenantId}::uuid and rep_id = ${c.repId}::uuid and month = ${c.month} and (select count(*) from d) > 0`);
}

/** True when a recomputed row `t` and a stored counter row `r` (either may be absent) disagree. */
const countersDiffer = sql.raw(COUNTER_COLUMNS.map((col) => `coalesce(t.${col}, 0) <> coalesce(r.${col}, 0)`).join(" or "));
const summed = sql.raw(COUNTER_COLUMNS.map((col) => `sum(${col})::int as ${col}`).join(", "));

/**
 * Recomputes rep_day_contacts and rep_month_contacts from the contacts and lists every
 * disagreement, `counter` naming the table (empty when all agree).
 */
export async function verifyContactCounters(tx: Tx) {
  return rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      with live as (
        select c.*, exists (select 1 from ${contactAcceptances} a where a.tenant_id = c.tenant_id and a.contact_id = c.id) as is_accepted
        from ${contacts} c
        where not exists (select 1 from ${contactVoids} v where v.tenant_id = c.tenant_id and v.contact_id = c.id)
      ),
      counted as (
        select tenant_id, rep_id, day, month,
          (in_person and target = 'existing')::int as existing_in_person,
          (in_person and target = 'prospect')::int as prospect_in_person,
          (channel = 'visit')::int as visits,
          (channel = 'demo')::int as demos,
          (channel = 'phone')::int as calls,
          (channel = 'letter')::int as letters,
          (visit_check = 'on_site' and not is_accepted)::int as on_site,
          (visit_check = 'off_site' and not is_accepted)::int as off_site,
          (visit_check = 'no_position' and not is_accepted)::int as no_position,
          (visit_check = 'no_pin' and not is_accepted)::int as no_pin,
          coalesce(is_accepted and visit_check is not null, false)::int as accepted
        from live
      ),
      by_day as (select tenant_id, rep_id, day, ${summed} from counted group by 1, 2, 3),
      by_month as (select tenant_id, rep_id, month, ${summed} from counted group by 1, 2, 3)
      select 'rep_day_contacts' as counter, coalesce(t.rep_id, r.rep_id) as rep_id, coalesce(t.day, r.day)::text as day, null::text as month
      from by_day t full join ${repDayContacts} r on r.tenant_id = t.tenant_id and r.rep_id = t.rep_id and r.day = t.day
      where ${countersDiffer}
      union all
      select 'rep_month_contacts', coalesce(t.rep_id, r.rep_id), null, coalesce(t.month, r.month)
      from by_month t full join ${repMonthContacts} r on r.tenant_id = t.tenant_id and r.rep_id = t.rep_id and r.month = t.month
      where ${countersDiffer}`),
  );
}
