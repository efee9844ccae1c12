import { contacts, contactVoids, repDayContacts, repMonthContacts, rowsOf, type Tx } from "@clubhouse/db";
import { sql } from "drizzle-orm";
import { ratioOf } from "../regulation/ratio.ts";
import type { ContactRow } from "./view.ts";

// ── counters ─────────────────────────────────────────────────────────────────

function counterDelta(c: Pick<ContactRow, "channel" | "target">, sign: 1 | -1) {
  // what the contact adds to the 1:3 ratio's counts: the counters are ratioOf summed by day and month
  const counts = ratioOf([{ channel: c.channel, target: c.target, voided: false }]);
  return {
    existingInPerson: sign * counts.existing,
    prospectInPerson: sign * counts.prospect,
    visits: c.channel === "visit" ? sign : 0,
    demos: c.channel === "demo" ? sign : 0,
    calls: c.channel === "phone" ? sign : 0,
    letters: c.channel === "letter" ? sign : 0,
  };
}

type Counted = Pick<ContactRow, "repId" | "day" | "month" | "channel" | "target" | "inPerson">;

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
      };
    }),
  );
  await tx.execute(sql`
    with x as (
      select * from jsonb_to_recordset(${json}::jsonb) as x(rep_id uuid, day date, month text, existing_in_person int,
        prospect_in_person int, visits int, demos int, calls int, letters int)
    ),
    d as (
      insert into ${repDayContacts} as r (tenant_id, rep_id, day, month, existing_in_person, prospect_in_person, visits, demos, calls, letters)
      select ${tenantId}::uuid, rep_id, day, min(month), sum(existing_in_person), sum(prospect_in_person), sum(visits),
        sum(demos), sum(calls), sum(letters)
      from x group by rep_id, day order by rep_id, day
      on conflict (tenant_id, rep_id, day) do update set
        existing_in_person = r.existing_in_person + excluded.existing_in_person,
        prospect_in_person = r.prospect_in_person + excluded.prospect_in_person,
        visits = r.visits + excluded.visits, demos = r.demos + excluded.demos,
        calls = r.calls + excluded.calls, letters = r.letters + excluded.letters
      returning 1
    )
    insert into ${repMonthContacts} as m (tenant_id, rep_id, month, existing_in_person, prospect_in_person, visits, demos, calls, letters)
    select ${tenantId}::uuid, rep_id, month, sum(existing_in_person), sum(prospect_in_person), sum(visits), sum(demos),
      sum(calls), sum(letters)
    from x where (select count(*) from d) > 0
    group by rep_id, month order by rep_id, month
    on conflict (tenant_id, rep_id, month) do update set
      existing_in_person = m.existing_in_person + excluded.existing_in_person,
      prospect_in_person = m.prospect_in_person + excluded.prospect_in_person,
      visits = m.visits + excluded.visits, demos = m.demos + excluded.demos,
      calls = m.calls + excluded.calls, letters = m.letters + excluded.letters`);
}

/** True when a recomputed row `t` and a stored counter row `r` (either may be absent) disagree. */
const countersDiffer = sql.raw(`coalesce(t.existing_in_person, 0) <> coalesce(r.existing_in_person, 0)
  or coalesce(t.prospect_in_person, 0) <> coalesce(r.prospect_in_person, 0)
  or coalesce(t.visits, 0) <> coalesce(r.visits, 0) or coalesce(t.demos, 0) <> coalesce(r.demos, 0)
  or coalesce(t.calls, 0) <> coalesce(r.calls, 0) or coalesce(t.letters, 0) <> coalesce(r.letters, 0)`);

/**
 * Recomputes rep_day_contacts and rep_month_contacts from the contacts and lists every
 * disagreement, `counter` naming the table (empty when all agree).
 */
export async function verifyContactCounters(tx: Tx) {
  return rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      with live as (
        select c.* from ${contacts} c
        where not exists (select 1 from ${contactVoids} v where v.tenant_id = c.tenant_id and v.contact_id = c.id)
      ),
      counted as (
        select tenant_id, rep_id, day, month,
          (in_person and target = 'existing')::int as existing_in_person,
          (in_person and target = 'prospect')::int as prospect_in_person,
          (channel = 'visit')::int as visits,
          (channel = 'demo')::int as demos,
          (channel = 'phone')::int as calls,
          (channel = 'letter')::int as letters
        from live
      ),
      by_day as (
        select tenant_id, rep_id, day, sum(existing_in_person)::int as existing_in_person,
          sum(prospect_in_person)::int as prospect_in_person, sum(visits)::int as visits, sum(demos)::int as demos,
          sum(calls)::int as calls, sum(letters)::int as letters
        from counted group by 1, 2, 3
      ),
      by_month as (
        select tenant_id, rep_id, month, sum(existing_in_person)::int as existing_in_person,
          sum(prospect_in_person)::int as prospect_in_person, sum(visits)::int as visits, sum(demos)::int as demos,
          sum(calls)::int as calls, sum(letters)::int as letters
        from counted group by 1, 2, 3
      )
      select 'rep_day_contacts' as counter, coalesce(t.rep_id, r.rep_id) as rep_id, coalesce(t.day, r.day)::text as day, null::text as month
      from by_day t full join ${repDayContacts} r on r.tenant_id = t.tenant_id and r.rep_id = t.rep_id and r.day = t.day
      where ${countersDiffer}
      union all
      select 'rep_month_contacts', coalesce(t.rep_id, r.rep_id), null, coalesce(t.month, r.month)
      from by_month t full join ${repMonthContacts} r on r.tenant_id = t.tenant_id and r.rep_id = t.rep_id and r.month = t.month
      where ${countersDiffer}`),
  );
}
