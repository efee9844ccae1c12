import { z } from "zod";
import { coded } from "../http/field-codes.ts";
import { pageQuery } from "../http/paging.ts";
import { nonNegativeYuan } from "../money.ts";
import { clubDaySchema } from "../time/club-time.ts";

const text = (max: number) => z.string().trim().max(max);

export const profileSchema = z.strictObject({
  address: text(300).optional(),
  postcode: text(20).optional(),
  legalRepresentative: text(120).optional(),
  phone: text(40).optional(),
  email: text(254).optional(),
  customerSince: clubDaySchema.optional(),
  contacts: z
    .array(z.strictObject({ name: text(120).min(1), title: text(120).optional(), phone: text(40).optional(), email: text(254).optional() }))
    .max(50)
    .optional(),
});

/** Sensitive (第五条 三.1 personality … age): owner rep, managers and admins only; out of exports unless asked. */
export const personalSchema = z.strictObject({
  personality: text(1000).optional(),
  interests: text(1000).optional(),
  hobbies: text(1000).optional(),
  family: text(1000).optional(),
  education: text(300).optional(),
  age: z.number().int().min(0).max(150).optional(),
  abilities: text(1000).optional(),
});

export const featuresSchema = z.strictObject({
  enterpriseNature: text(200).optional(),
  businessLines: text(500).optional(),
  financialStatus: text(500).optional(),
  growthPotential: text(500).optional(),
  size: text(200).optional(),
});

export const transactionSchema = z.strictObject({
  cardsHeld: z.array(text(120)).max(50).optional(),
  usageNotes: text(2000).optional(),
  needs: text(2000).optional(),
});

export const customerKind = z.enum(["group", "individual"]);
export const customerStatus = z.enum(["prospect", "active", "churned", "dropped"]);

export const createCustomerBody = z.strictObject({
  name: z.string().trim().min(1, "is required").max(200),
  kind: customerKind,
  status: z.enum(["prospect", "active"]).optional(),
  ownerId: z.uuid().optional(),
  referredById: z.uuid().nullable().optional(),
  expectedMonthlySpend: nonNegativeYuan.nullable().optional(),
  profile: profileSchema.optional(),
  personal: personalSchema.optional(),
  features: featuresSchema.optional(),
  transaction: transactionSchema.optional(),
});
export type CreateCustomer = z.infer<typeof createCustomerBody>;

export const patchCustomerBody = z
  .strictObject({
    name: z.string().trim().min(1, "is required").max(200).optional(),
    kind: customerKind.optional(),
    status: customerStatus.optional(),
    ownerId: z.uuid().optional(),
    referredById: z.uuid().nullable().optional(),
    expectedMonthlySpend: nonNegativeYuan.nullable().optional(),
    profile: profileSchema.optional(),
    personal: personalSchema.optional(),
    features: featuresSchema.optional(),
    transaction: transactionSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, coded("nothing_to_change", "give at least one field to change"));
export type PatchCustomer = z.infer<typeof patchCustomerBody>;

const flag = z.enum(["true", "false"]).transform((v) => v === "true");

/** The orders the customer list (and its export) can be read in; each pages by its own keyset. */
export const customerSorts = ["name", "lastContact", "spend", "tier", "owner"] as const;
export type CustomerSort = (typeof customerSorts)[number];

/** The customer list's filters and order, shared by the list and its CSV export. */
const customerFilters = {
  sort: z.enum(customerSorts).default("name"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  tier: z.enum(["A", "B", "C"]).optional(),
  status: customerStatus.optional(),
  kind: customerKind.optional(),
  ownerId: z.uuid().optional(),
  stale: flag.optional(),
  overdue: flag.optional(),
  /** customers whose owner is disabled: a leaving rep's book waiting to be handed over */
  unowned: flag.optional(),
  q: z.string().trim().min(1).max(100).optional(),
  /** these customers only (comma-separated ids, at most 200): names for a list of another thing's rows */
  ids: z
    .string()
    .transform((v) => v.split(",").filter((x) => x !== ""))
    .pipe(z.array(z.uuid()).min(1).max(200))
    .optional(),
};

/** The list pages by `cursor` (keyset, the next page) or by `offset` (a page to jump to), not both. */
export const listCustomersQuery = z
  .object({ ...pageQuery, offset: z.coerce.number().int().min(0).max(10_000_000).optional(), ...customerFilters })
  .refine((v) => v.cursor === undefined || v.offset === undefined, {
    ...coded("one_or_other", "give a cursor or an offset, not both"),
    path: ["offset"],
  });
export type ListCustomersQuery = z.infer<typeof listCustomersQuery>;
export type CustomerFilters = Omit<ListCustomersQuery, "limit" | "cursor" | "offset">;

/** The export: the list's filters and order, the reader's language, and personal fields when a manager asks. */
export const exportCustomersQuery = z.object({
  ...customerFilters,
  includePersonal: z.enum(["true", "false"]).optional(),
  lang: z.enum(["en", "zh-CN"]).optional(),
});
export type ExportCustomersQuery = z.infer<typeof exportCustomersQuery>;
