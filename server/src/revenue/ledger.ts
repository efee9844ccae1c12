import { customerMonthTotals, customerOwners, repMonthTotals, revenueEntries, rowsOf, type Tx } from "@clubhouse/db";
import { and, desc, eq, getTableColumns, lte, sql } from "drizzle-orm";

export interface NewEntry {
  tenantId: string;
  customerId: string;
  repId: string;
  amountFen: number;
  businessLine: string;
  occurredAt: Date;
  /** the club month of occurredAt, fixed at write time */
  month: string;
  reversesId?: string | null;
  reason?: string | null;
  source: "api" | "import" | "card_sale" | "reversal";
  importId?: string | null;
  externalRef?: string | null;
  createdBy: string | null;
  createdAt: Date;
}

const CHUNK = 1000;

/**
 * The one writer of the ledger. Appends entries and, in the same transaction,
 * adds their amounts to the per-customer-line and per-rep monthly totals with an
 * additive UPSERT (safe under concurrent writers: the conflicting row is locked).
 * Leaderboards and tiers read those totals instead of scanning the ledger.
 */
export async function appendLedger(tx: Tx, entries: NewEntry[]) {
  if (entries.length === 0) return [];
  if (entries.length === 1) return [await appendOne(tx, entries[0]!)];
  const rows: (typeof revenueEntries.$inferSelect)[] = [];
  for (let i = 0; i < entries.length; i += CHUNK) {
    rows.push(
      ...(await tx
        .insert(revenueEntries)
        .values(entries.slice(i, i + CHUNK))
        .returning()),
    );
  }
  const byCustomer = new Map<string, { tenantId: string; customerId: string; month: string; businessLine: string; amountFen: number }>();
  const byRep = new Map<string, { tenantId: string; repId: string; month: string; amountFen: number; entries: number }>();
  for (const e of entries) {
    const ck = `${e.customerId}|${e.month}|${e.businessLine}`;
    const c = byCustomer.get(ck) ?? {
      tenantId: e.tenantId,
      customerId: e.customerId,
      month: e.month,
      businessLine: e.businessLine,
      amountFen: 0,
    };
    c.amountFen += e.amountFen;
    byCustomer.set(ck, c);
    const rk = `${e.repId}|${e.month}`;
    const r = byRep.get(rk) ?? { tenantId: e.tenantId, repId: e.repId, month: e.month, amountFen: 0, entries: 0 };
    r.amountFen += e.amountFen;
    r.entries += 1;
    byRep.set(rk, r);
  }
  // Fixed key order so that concurrent writers lock total rows in the same order (no deadlocks).
  const customerRows = [...byCustomer.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  const repRows = [...byRep.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  for (let i = 0; i < customerRows.length; i += CHUNK) {
    await tx
      .insert(customerMonthTotals)
      .values(customerRows.slice(i, i + CHUNK))
      .onConflictDoUpdate({
        target: [customerMonthTotals.tenantId, customerMonthTotals.customerId, customerMonthTotals.month, customerMonthTotals.businessLine],
        set: { amountFen: sql`${customerMonthTotals.amountFen} + excluded.amount_fen` },
      });
  }
  for (let i = 0; i < repRows.length; i += CHUNK) {
    await tx
      .insert(repMonthTotals)
      .values(repRows.slice(i, i + CHUNK))
      .onConflictDoUpdate({
        target: [repMonthTotals.tenantId, repMonthTotals.repId, repMonthTotals.month],
        set: {
          amountFen: sql`${repMonthTotals.amountFen} + excluded.amount_fen`,
          entries: sql`${repMonthTotals.entries} + excluded.entries`,
        },
      });
  }
  return rows;
}

const entryColumns = Object.entries(getTableColumns(revenueEntries));

/**
 * One entry and both totals in one statement (the common case: a rep's sale, a
 * reversal, a card sale): one round trip instead of three. Same additive UPSERTs
 * as the batch path; a single entry locks one customer-line row and one rep row.
 */
async function appendOne(tx: Tx, entry: NewEntry): Promise<EntryRow> {
  const e = sql.identifier("e");
  const result = await tx.execute(sql`
    with ${e} as ${tx.insert(revenueEntries).values(entry).returning()},
    c as (
      insert into ${customerMonthTotals} (tenant_id, customer_id, month, business_line, amount_fen)
      select tenant_id, customer_id, month, business_line, amount_fen from ${e}
      on conflict (tenant_id, customer_id, month, business_line)
      do update set amount_fen = ${customerMonthTotals}.amount_fen + excluded.amount_fen
    ),
    r as (
      insert into ${repMonthTotals} (tenant_id, rep_id, month, amount_fen, entries)
      select tenant_id, rep_id, month, amount_fen, 1 from ${e}
      on conflict (tenant_id, rep_id, month)
      do update set amount_fen = ${repMonthTotals}.amount_fen + excluded.amount_fen, entries = ${repMonthTotals}.entries + 1
    )
    select * from ${e}`);
  const [raw] = rowsOf<Record<string, unknown>>(result);
  if (!raw) throw new Error("the ledger insert returned nothing");
  const row: Record<string, unknown> = {};
  for (const [key, column] of entryColumns) {
    const v = raw[column.name];
    row[key] = v === null || v === undefined ? null : column.mapFromDriverValue(v);
  }
  return row as EntryRow;
}

/** Revenue is credited by default to whoever owned the customer at `occurredAt` (SPEC §3). */
export async function ownerAt(tx: Tx, customerId: string, at: Date): Promise<string | undefined> {
  const [row] = await tx
    .select({ ownerId: customerOwners.ownerId })
    .from(customerOwners)
    .where(and(eq(customerOwners.customerId, customerId), lte(customerOwners.fromAt, at)))
    .orderBy(desc(customerOwners.fromAt))
    .limit(1);
  return row?.ownerId;
}

export type EntryRow = typeof revenueEntries.$inferSelect;

/**
 * Recomputes the maintained totals from the ledger and lists every disagreement
 * (empty when all agree). The ledger is the truth; totals are a cache of it.
 */
export async function verifyTotals(tx: Tx) {
  const customerDiff = await tx.execute(sql`
    with ledger as (
      select customer_id, month, business_line, sum(amount_fen)::bigint as fen from revenue_entries group by 1, 2, 3
    )
    select coalesce(l.customer_id, t.customer_id) as customer_id, coalesce(l.month, t.month) as month,
           coalesce(l.business_line, t.business_line) as line, l.fen as ledger, t.amount_fen as total
    from ledger l full join customer_month_totals t
      on t.customer_id = l.customer_id and t.month = l.month and t.business_line = l.business_line
    where coalesce(l.fen, 0) <> coalesce(t.amount_fen, 0)`);
  const repDiff = await tx.execute(sql`
    with ledger as (select rep_id, month, sum(amount_fen)::bigint as fen, count(*)::int as n from revenue_entries group by 1, 2)
    select coalesce(l.rep_id, t.rep_id) as rep_id, coalesce(l.month, t.month) as month, l.fen as ledger, t.amount_fen as total
    from ledger l full join rep_month_totals t on t.rep_id = l.rep_id and t.month = l.month
    where coalesce(l.fen, 0) <> coalesce(t.amount_fen, 0) or coalesce(l.n, 0) <> coalesce(t.entries, 0)`);
  return { customers: rowsOf<Record<string, unknown>>(customerDiff), reps: rowsOf<Record<string, unknown>>(repDiff) };
}
