import { z } from "zod";
import { coded } from "../http/field-codes.ts";

export const email = z.string().trim().toLowerCase().max(254).email("must be an email address");
export const password = z.string().min(10, "must be at least 10 characters").max(200);
export const personName = z.string().trim().min(1, "is required").max(120);

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz.includes("/") || tz === "UTC";
  } catch {
    return false;
  }
}

export const timezone = z
  .string()
  .refine(isTimeZone, coded("invalid_format", "must be an IANA time zone such as Asia/Shanghai", { format: "timezone" }));

export const slug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "must be 1–40 lowercase letters, digits or dashes");

export const signupBody = z.strictObject({
  club: z.strictObject({ name: z.string().trim().min(1, "is required").max(120), slug, timezone: timezone.optional() }),
  admin: z.strictObject({ email, password, name: personName }),
});

export const loginBody = z.strictObject({
  club: z.string().trim().toLowerCase().min(1).max(40),
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: z.string().min(1).max(200),
});
