import { randomUUID } from "node:crypto";
import {
  clubYearVolumes,
  customerMonthTotals,
  customerOwners,
  MAX_YEAR_VOLUME_FEN,
  repMonthTotals,
  revenueEntries,
  rowsOf,
  type Tx,
} from "@clubhouse/db";
import { and, desc, eq, lte, sql } from "drizzle-orm";
import { RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { toYuan } from "../money.ts";

export interface NewEntry {
  tenantId: string;
  /** made here when absent */
  id?: string;
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
 * The one writer of the ledger. Appends entries and, in the same statement, adds
 * their amounts to the per-customer-line and per-rep monthly totals with additive
 * UPSERTs (safe under concurrent writers: a conflicting row is locked and added
 * to). Leaderboards and tiers read those totals instead of scanning the ledger.
 *
 * One statement per 1,000 entries whatever their number (a rep's sale, a group of
 * sales, an import): the entries go as one JSON parameter. Totals are summed per
 * row first (an UPSERT may touch a row once per statement) and taken in key order,
 * customer totals before rep totals, so concurrent writers never deadlock on them.
 * The rows returned are built here (ids are made here), equal to what was stored.
 *
 * The same statement adds each entry's size to its club year's volume (last, after
 * the rep totals); a write that would take a year past MAX_YEAR_VOLUME_FEN is
 * refused whole by the database's CHECK, a 422 (see clubYearVolumes).
 */
export async function appendLedger(tx: Tx, entries: NewEntry[]): Promise<EntryRow[]> {
  const rows = entries.map(ledgerRow);
  await appendRows(tx, rows);
  return rows;
}

/** appendLedger for rows already made with ledgerRow (a caller that answers with them before they are stored). */
export async function appendRows(tx: Tx, rows: readonly EntryRow[]) {
  // Inserted in customer order: each entry's foreign-key check share-locks its customer,
  // and taking those in id order, as a group of contacts locks its customers, leaves
  // no order in which two writers could wait on each other.
  const ordered = [...rows].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  for (let i = 0; i < ordered.length; i += CHUNK) {
    const json = JSON.stringify(
      ordered.slice(i, i + CHUNK).map((r) => ({
        tenant_id: r.tenantId,
        id: r.id,
        customer_id: r.customerId,
        rep_id: r.repId,
        amount_fen: r.amountFen,
        business_line: r.businessLine,
        occurred_at: r.occurredAt.toISOString(),
        month: r.month,
        reverses_id: r.reversesId,
        reason: r.reason,
        source: r.source,
        import_id: r.importId,
        external_ref: r.externalRef,
        created_by: r.createdBy,
        created_at: r.createdAt.toISOString(),
      })),
    );
    await tx
      .execute(sql`
      with e as (
        insert into ${revenueEntries} (tenant_id, id, customer_id, rep_id, amount_fen, business_line, occurred_at, month,
          reverses_id, reason, source, import_id, external_ref, created_by, created_at)
        select * from jsonb_to_recordset(${json}::jsonb) as x(tenant_id uuid, id uuid, customer_id uuid, rep_id uuid,
          amount_fen bigint, business_line text, occurred_at timestamptz, month text, reverses_id uuid, reason text,
          source text, import_id uuid, external_ref text, created_by uuid, created_at timestamptz)
        returning tenant_id, customer_id, rep_id, month, business_line, amount_fen
      ),
      c as (
        insert into ${customerMonthTotals} as t (tenant_id, customer_id, month, business_line, amount_fen)
        select tenant_id, customer_id, month, business_line, sum(amount_fen) from e
        group by tenant_id, customer_id, month, business_line
        order by tenant_id, customer_id, month, business_line
        on conflict (tenant_id, customer_id, month, business_line)
        do update set amount_fen = t.amount_fen + excluded.amount_fen
        returning 1
      ),
      r as (
        insert into ${repMonthTotals} as t (tenant_id, rep_id, month, amount_fen, entries)
        select tenant_id, rep_id, month, sum(amount_fen), count(*) from e
        where (select count(*) from c) >= 0
        group by tenant_id, rep_id, month
        order by tenant_id, rep_id, month
        on conflict (tenant_id, rep_id, month)
        do update set amount_fen = t.amount_fen + excluded.amount_fen, entries = t.entries + excluded.entries
        returning 1
      ),
      y as (
        insert into ${clubYearVolumes} as t (tenant_id, year, volume_fen)
        select tenant_id, left(month, 4), sum(abs(amount_fen)) from e
        where (select count(*) from r) >= 0
        group by tenant_id, left(month, 4)
        order by tenant_id, left(month, 4)
        on conflict (tenant_id, year)
        do update set volume_fen = t.volume_fen + excluded.volume_fen
        returning 1
      )
      select (select count(*) from e) as entries, (select count(*) from y) as years`)
      .catch((err: unknown) => {
        if (pastCap(err)) throw yearCapError();
        throw err;
      });
  }
}

/** The database refused a total past the cap (a CHECK of club_year_volumes or the monthly totals). */
function pastCap(err: unknown): boolean {
  const e = ((err as { cause?: unknown }).cause ?? err) as {
    code?: unknown;
    message?: unknown;
    constraint_name?: unknown;
    constraint?: unknown;
  };
  if (e.code !== "23514") return false;
  return /club_year_volumes_cap|month_totals_amount_range/.test(`${e.constraint_name ?? e.constraint ?? ""} ${e.message ?? ""}`);
}

export function yearCapError() {
  return new RuleViolation(
    `A club books at most ¥${toYuan(MAX_YEAR_VOLUME_FEN)} in a year (reversals counted by their size); this would pass it, so nothing was recorded.`,
    {
      amount: fieldIssue("club_year_volume", `would take the club's year past ${toYuan(MAX_YEAR_VOLUME_FEN)}`, {
        max: toYuan(MAX_YEAR_VOLUME_FEN),
      }),
    },
  );
}

/** Revenue is credited by default to whoever owned the customer at `occurredAt` (docs/revenue.md). */
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

/** The row an entry is stored as (its id made here when it has none). */
export function ledgerRow(e: NewEntry): EntryRow {
  return {
    tenantId: e.tenantId,
    id: e.id ?? randomUUID(),
    customerId: e.customerId,
    repId: e.repId,
    amountFen: e.amountFen,
    businessLine: e.businessLine,
    occurredAt: e.occurredAt,
    month: e.month,
    reversesId: e.reversesId ?? null,
    reason: e.reason ?? null,
    source: e.source,
    importId: e.importId ?? null,
    externalRef: e.externalRef ?? null,
    createdBy: e.createdBy,
    createdAt: e.createdAt,
  };
}

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
