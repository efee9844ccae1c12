import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { positiveYuan } from "../money.ts";
import { codeOfIssue, FIELD_CODES, fieldIssue, isFieldCode } from "./field-codes.ts";
import { issuesToFields } from "./validate.ts";

const issuesOf = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error("expected a refusal");
  return r.error.issues;
};

describe("codeOfIssue: zod's issues as the API's field codes", () => {
  const cases: [string, z.ZodType, unknown, ReturnType<typeof codeOfIssue>][] = [
    ["missing", z.object({ a: z.string() }), {}, { code: "required" }],
    ["wrong type", z.string(), 5, { code: "invalid_type", params: { expected: "string" } }],
    ["short string", z.string().min(3), "ab", { code: "too_short", params: { min: 3 } }],
    ["long string", z.string().max(2), "abc", { code: "too_long", params: { max: 2 } }],
    ["small number", z.number().min(1), 0, { code: "too_small", params: { min: 1, inclusive: true } }],
    ["large number", z.number().lt(10), 10, { code: "too_large", params: { max: 10, inclusive: false } }],
    ["few items", z.array(z.string()).min(1), [], { code: "too_few_items", params: { min: 1 } }],
    ["many items", z.array(z.string()).max(1), ["a", "b"], { code: "too_many_items", params: { max: 1 } }],
    ["email", z.email(), "x", { code: "invalid_format", params: { format: "email" } }],
    ["uuid", z.uuid(), "x", { code: "invalid_format", params: { format: "uuid" } }],
    ["enum", z.enum(["a", "b"]), "c", { code: "invalid_choice", params: { values: ["a", "b"] } }],
    ["unknown key", z.strictObject({}), { x: 1 }, { code: "unknown_field", params: { keys: ["x"] } }],
    ["refinement without a code", z.string().refine(() => false, "no"), "x", { code: "invalid" }],
  ];
  for (const [name, schema, value, expected] of cases) {
    it(name, () => {
      expect(codeOfIssue(issuesOf(schema, value)[0]!)).toEqual(expected);
    });
  }

  it("money's refinements carry their codes and limits", () => {
    expect(codeOfIssue(issuesOf(positiveYuan, 1.234)[0]!)).toEqual({ code: "too_many_decimals", params: { max: 2 } });
    expect(codeOfIssue(issuesOf(positiveYuan, 0)[0]!)).toEqual({ code: "must_be_positive" });
    expect(codeOfIssue(issuesOf(positiveYuan, 2e12)[0]!)).toEqual({ code: "too_large", params: { max: 1e12, inclusive: true } });
  });

  it("a refinement naming a code the list does not have is `invalid`, never an unknown code", () => {
    const s = z.string().refine(() => false, { message: "x", params: { code: "made_up" } });
    expect(codeOfIssue(issuesOf(s, "a")[0]!)).toEqual({ code: "invalid" });
  });
});

describe("errors carry both maps", () => {
  it("a refused field has its English line and its code with parameters, path by path", () => {
    const e = new ValidationError({ amount: fieldIssue("too_many_decimals", "at most two", { max: 2 }), other: "legacy line" });
    expect(e.fields).toEqual({ amount: "at most two", other: "legacy line" });
    expect(e.fieldCodes).toEqual({ amount: { code: "too_many_decimals", max: 2 }, other: { code: "invalid" } });
  });

  it("a parameter cannot overwrite the code", () => {
    const e = new ValidationError({ a: fieldIssue("taken", "x", { code: "other" }) });
    expect(e.fieldCodes?.a?.code).toBe("taken");
  });

  it("issuesToFields keeps the first issue of each path", () => {
    const fields = issuesToFields(issuesOf(z.object({ a: z.string().min(5).email() }), { a: "x" }), "body");
    expect(Object.keys(fields)).toEqual(["a"]);
    expect((fields.a as { code: string }).code).toBe("too_short");
  });

  it("the list has no duplicates and every entry is a code", () => {
    expect(new Set(FIELD_CODES).size).toBe(FIELD_CODES.length);
    for (const c of FIELD_CODES) expect(isFieldCode(c)).toBe(true);
    expect(isFieldCode("nope")).toBe(false);
  });
});
