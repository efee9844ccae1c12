import { z } from "zod";
import { type Answers, csvAnswer, jsonValue } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const customer = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["group", "individual"]),
  status: z.enum(["dropped", "prospect", "active", "churned"]),
  ownerId: z.string(),
  ownerName: z.string(),
  tier: z.enum(["A", "B", "C"]).nullable(),
  referredById: z.string().nullable(),
  expectedMonthlySpend: z.number().nullable(),
  lastMonthSpend: z.number(),
  profile: z.object({
    address: z.string().optional(),
    postcode: z.string().optional(),
    legalRepresentative: z.string().optional(),
    contacts: z
      .array(z.object({ name: z.string(), title: z.string().optional(), phone: z.string().optional(), email: z.string().optional() }))
      .optional(),
    customerSince: z.string().optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
  }),
  personal: z.object({
    personality: z.string().optional(),
    interests: z.string().optional(),
    hobbies: z.string().optional(),
    family: z.string().optional(),
    education: z.string().optional(),
    age: z.number().optional(),
    abilities: z.string().optional(),
  }),
  features: z.object({
    enterpriseNature: z.string().optional(),
    businessLines: z.string().optional(),
    financialStatus: z.string().optional(),
    growthPotential: z.string().optional(),
    size: z.string().optional(),
  }),
  transaction: z.object({ cardsHeld: z.array(z.string()).optional(), usageNotes: z.string().optional(), needs: z.string().optional() }),
  customerSince: z.string().nullable(),
  activeSince: z.string().nullable(),
  lastInPersonAt: z.string().nullable(),
  lastRefreshedAt: z.string(),
  stale: z.boolean(),
  overdue: z.boolean(),
  /** the club day the next in-person visit is due by the cadence; null when none applies */
  nextVisitDue: z.string().nullable(),
  /** whole days past the due instant; 0 when not overdue */
  daysOverdue: z.number().int().min(0),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** where the customer is (docs/verified-visits.md): pinned at a visit or by a manager; null when not yet */
  pin: z
    .object({
      lat: z.number(),
      lng: z.number(),
      source: z.enum(["visit", "manager"]),
      by: z.string(),
      byName: z.string().nullable(),
      at: z.string(),
    })
    .nullable(),
});

export const complaint = z.object({
  id: z.string(),
  customerId: z.string(),
  channel: z.string(),
  summary: z.string(),
  status: z.enum(["open", "resolved"]),
  openedAt: z.string(),
  openedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolution: z.string().nullable(),
});

export const customerImport = z.object({ importId: z.string(), rows: z.number(), customerIds: z.array(z.string()) });

export const customerPage = z.object({ items: z.array(customer), nextCursor: z.string().nullable(), total: z.number() });

export const customerHistoryPage = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      actorId: z.string().nullable(),
      actorName: z.string().nullable(),
      at: z.string(),
      changes: z.array(z.object({ field: z.string(), old: jsonValue, new: jsonValue })),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const referralTree = z.object({
  customer: z.object({
    id: z.string(),
    name: z.string().nullable(),
    kind: z.string().nullable(),
    status: z.string().nullable(),
    ownerId: z.string().nullable(),
    hidden: z.boolean(),
    referrals: z.array(jsonValue),
  }),
  referredBy: z.array(
    z.object({
      id: z.string(),
      name: z.string().nullable(),
      kind: z.string().nullable(),
      status: z.string().nullable(),
      ownerId: z.string().nullable(),
      hidden: z.boolean(),
    }),
  ),
});

export const customerTierHistory = z.object({
  customerId: z.string(),
  months: z.array(
    z.object({ month: z.string(), spend: z.number(), tier: z.enum(["A", "B", "C"]).nullable(), frozen: z.boolean(), before: z.boolean() }),
  ),
});

export const reassignment = z.object({ toRepId: z.string(), moved: z.number(), customerIds: z.array(z.string()) });

export const handover = z.object({
  fromRepId: z.string(),
  preview: z.boolean(),
  moved: z.object({ customers: z.number(), plans: z.number(), prospects: z.number(), complaints: z.number() }),
  kept: z.object({ prospects: z.number(), complaints: z.number() }),
  receivers: z.array(
    z.object({
      repId: z.string(),
      name: z.string(),
      customers: z.number(),
      plans: z.number(),
      prospects: z.number(),
      complaints: z.number(),
      tiers: z.object({ A: z.number(), B: z.number(), C: z.number(), none: z.number() }),
    }),
  ),
});

export const complaintPage = z.object({
  items: z.array(
    z.object({
      customerName: z.string(),
      ownerId: z.string(),
      ownerName: z.string().nullable(),
      dueAt: z.string(),
      overdue: z.boolean(),
      msLeft: z.number().nullable(),
      id: z.string(),
      customerId: z.string(),
      channel: z.string(),
      summary: z.string(),
      status: z.enum(["open", "resolved"]),
      openedAt: z.string(),
      openedBy: z.string().nullable(),
      resolvedAt: z.string().nullable(),
      resolvedBy: z.string().nullable(),
      resolution: z.string().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const customersAnswers = {
  "/customers/import": { $post: { 201: customerImport } },
  "/customers/import/template.csv": { $get: { 200: csvAnswer } },
  "/customers/export.csv": { $get: { 200: csvAnswer } },
  "/customers": { $post: { 201: customer }, $get: { 200: customerPage } },
  "/customers/:id": { $get: { 200: customer }, $patch: { 200: customer } },
  "/customers/:id/pin": { $put: { 200: customer }, $delete: { 200: customer } },
  "/customers/:id/refresh": { $post: { 200: customer } },
  "/customers/:id/history": { $get: { 200: customerHistoryPage } },
  "/customers/:id/referrals": { $get: { 200: referralTree } },
  "/customers/:id/tiers": { $get: { 200: customerTierHistory } },
  "/customers/reassign": { $post: { 200: reassignment } },
  "/reps/:id/handover": { $post: { 200: handover } },
  "/complaints": { $post: { 201: complaint }, $get: { 200: complaintPage } },
  "/complaints/:id/resolve": { $post: { 200: complaint } },
} satisfies Answers;
