import { customerChanges, customerOwners, customerStatusHistory, customers, revenueImports, users, withTenant } from "@clubhouse/db";
import { stringify } from "csv-stringify/sync";
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { fileHash, RowErrors, readCsv } from "../csv/read.ts";
import type { ServiceContext } from "../deps.ts";
import { Conflict } from "../http/errors.ts";
import { MAX_YUAN, toFen, toYuan } from "../money.ts";
import { actorId, isManager, visibleTo } from "./service.ts";

export const CUSTOMER_COLUMNS = {
  required: ["name", "kind"],
  optional: [
    "status",
    "ownerEmail",
    "expectedMonthlySpend",
    "phone",
    "email",
    "address",
    "postcode",
    "legalRepresentative",
    "enterpriseNature",
    "size",
    "needs",
  ],
};

const AMOUNT = /^\d+(\.\d{1,2})?$/;
const email = z.string().email();

/** Customers from CSV: all rows or none, every bad row reported by line; the same file twice is refused. */
export async function importCustomers(ctx: ServiceContext, text: string) {
  const rows = readCsv(text, CUSTOMER_COLUMNS);
  const hash = fileHash(text);
  const result = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [seen] = await tx
      .select()
      .from(revenueImports)
      .where(and(eq(revenueImports.kind, "customers"), eq(revenueImports.sha256, hash)));
    if (seen)
      throw new Conflict(`This file was already imported on ${seen.createdAt.toISOString()} (import ${seen.id}); nothing was added.`, {
        file: "already imported",
      });
    const errors = new RowErrors();
    const emails = new Set(rows.map((r) => (r.values.ownerEmail ?? "").toLowerCase()).filter(Boolean));
    const owners = emails.size
      ? await tx
          .select({ id: users.id, email: users.email, disabledAt: users.disabledAt })
          .from(users)
          .where(inArray(sql`lower(${users.email})`, [...emails]))
      : [];
    const ownerByEmail = new Map(owners.filter((u) => !u.disabledAt).map((u) => [u.email.toLowerCase(), u.id]));
    const me = actorId(ctx.actor);
    const values: (typeof customers.$inferInsert)[] = [];
    const now = ctx.deps.clock.now();
    for (const { line, values: v } of rows) {
      const name = (v.name ?? "").trim();
      if (!name || name.length > 200) errors.add(line, "name", "is required (at most 200 characters)");
      if (v.kind !== "group" && v.kind !== "individual") errors.add(line, "kind", "must be group or individual");
      const status = v.status || "prospect";
      if (status !== "prospect" && status !== "active") errors.add(line, "status", "must be prospect or active");
      let ownerId = me;
      if (v.ownerEmail) {
        if (!email.safeParse(v.ownerEmail).success) errors.add(line, "ownerEmail", "must be an email address");
        else if (!isManager(ctx.actor) && v.ownerEmail.toLowerCase() !== owners.find((o) => o.id === me)?.email.toLowerCase())
          errors.add(line, "ownerEmail", "reps import customers for themselves only");
        else ownerId = ownerByEmail.get(v.ownerEmail.toLowerCase()) ?? null;
        if (!ownerId) errors.add(line, "ownerEmail", "is not an active user of this club");
      }
      if (!ownerId) errors.add(line, "ownerEmail", "is required");
      let expected: number | null = null;
      if (v.expectedMonthlySpend) {
        if (!AMOUNT.test(v.expectedMonthlySpend) || Number(v.expectedMonthlySpend) > MAX_YUAN)
          errors.add(line, "expectedMonthlySpend", "must be a number of yuan with at most two decimals");
        else expected = toFen(Number(v.expectedMonthlySpend));
      }
      if (v.email && !email.safeParse(v.email).success) errors.add(line, "email", "must be an email address");
      for (const col of ["phone", "email", "address", "postcode", "legalRepresentative", "enterpriseNature", "size", "needs"] as const) {
        if ((v[col] ?? "").length > 2000) errors.add(line, col, "is too long");
      }
      if (errors.size > 0) continue;
      const opt = (s: string | undefined) => (s ? s : undefined);
      values.push({
        tenantId: ctx.tenantId,
        name,
        kind: v.kind as "group" | "individual",
        status: status as "prospect" | "active",
        ownerId: ownerId!,
        expectedMonthlySpendFen: expected,
        profile: {
          phone: opt(v.phone),
          email: opt(v.email),
          address: opt(v.address),
          postcode: opt(v.postcode),
          legalRepresentative: opt(v.legalRepresentative),
        },
        features: { enterpriseNature: opt(v.enterpriseNature), size: opt(v.size) },
        transaction: { needs: opt(v.needs) },
        activeSince: status === "active" ? now : null,
        reviewCountFrom: now,
        lastRefreshedAt: now,
        createdAt: now,
        updatedAt: now,
      });
    }
    errors.throwIfAny();
    const [imp] = await tx
      .insert(revenueImports)
      .values({ tenantId: ctx.tenantId, kind: "customers", sha256: hash, rows: rows.length, createdBy: me, createdAt: now })
      .returning();
    const ids: string[] = [];
    for (let i = 0; i < values.length; i += 1000) {
      const inserted = await tx
        .insert(customers)
        .values(values.slice(i, i + 1000))
        .returning({ id: customers.id, ownerId: customers.ownerId, status: customers.status });
      ids.push(...inserted.map((r) => r.id));
      await tx
        .insert(customerOwners)
        .values(inserted.map((r) => ({ tenantId: ctx.tenantId, customerId: r.id, fromAt: new Date(0), ownerId: r.ownerId })));
      await tx.insert(customerStatusHistory).values(
        inserted.map((r) => ({
          tenantId: ctx.tenantId,
          customerId: r.id,
          ownerId: r.ownerId,
          fromStatus: null,
          toStatus: r.status,
          at: now,
          actorId: me,
        })),
      );
      await tx.insert(customerChanges).values(
        inserted.map((r) => ({
          tenantId: ctx.tenantId,
          customerId: r.id,
          actorId: me,
          kind: "imported",
          changes: [{ field: "*", old: null, new: { importId: imp!.id } }],
          at: now,
        })),
      );
    }
    return { importId: imp!.id, rows: ids.length, customerIds: ids };
  });
  // new customers are in the tier analysis (a derived read cached per data generation)
  await ctx.deps.live.boardChanged(ctx.tenantId);
  return result;
}

const PERSONAL = ["personality", "interests", "hobbies", "family", "education", "age", "abilities"] as const;

/** CSV of the caller's visible customers. Personal fields only when a manager asks for them (SPEC §2). */
export async function exportCustomers(ctx: ServiceContext, includePersonal: boolean) {
  const withPersonal = includePersonal && isManager(ctx.actor);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const out: string[][] = [];
    let after: string | undefined;
    // In pages, so a club of 50,000 customers is read in bounded steps.
    for (;;) {
      const rows = await tx
        .select({ c: customers, ownerEmail: users.email })
        .from(customers)
        .innerJoin(users, eq(users.id, customers.ownerId))
        .where(and(visibleTo(ctx.actor), after ? gt(customers.id, after) : undefined))
        .orderBy(asc(customers.id))
        .limit(5000);
      for (const { c, ownerEmail } of rows) {
        const base = [
          c.id,
          c.name,
          c.kind,
          c.status,
          ownerEmail,
          c.expectedMonthlySpendFen === null ? "" : toYuan(c.expectedMonthlySpendFen).toFixed(2),
          c.profile.phone ?? "",
          c.profile.email ?? "",
          c.profile.address ?? "",
          c.profile.postcode ?? "",
          c.profile.legalRepresentative ?? "",
          c.features.enterpriseNature ?? "",
          c.features.size ?? "",
          (c.transaction.cardsHeld ?? []).join("; "),
          c.transaction.needs ?? "",
          c.createdAt.toISOString(),
        ];
        out.push(withPersonal ? [...base, ...PERSONAL.map((k) => String(c.personal[k] ?? ""))] : base);
      }
      if (rows.length < 5000) break;
      after = rows[rows.length - 1]!.c.id;
    }
    const columns = [
      "id",
      "name",
      "kind",
      "status",
      "ownerEmail",
      "expectedMonthlySpend",
      "phone",
      "email",
      "address",
      "postcode",
      "legalRepresentative",
      "enterpriseNature",
      "size",
      "cardsHeld",
      "needs",
      "createdAt",
      ...(withPersonal ? PERSONAL : []),
    ];
    return `\ufeff${stringify(out, { header: true, columns })}`;
  });
}
