import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientExample } from "../contract/client-example.ts";
import type { OpenApiDocument } from "../contract/document.ts";
import { makeClub, newCustomer } from "../support/club.ts";
import { contractOf } from "../support/contract.ts";
import { call, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let served: OpenApiDocument;
beforeAll(async () => {
  t = await startTestServer();
  served = (await fetch(`${t.url}/api/v1/openapi.json`).then((r) => r.json())) as OpenApiDocument;
});
afterAll(() => t.close());

type Response = { description?: string; content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> };
type Op = {
  responses: Record<string, Response>;
  parameters?: { name: string; in: string; required?: boolean }[];
  security?: unknown[];
  requestBody?: { content: Record<string, unknown> };
};
const operations = () =>
  Object.entries(served.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op: op as unknown as Op })),
  );

describe("the OpenAPI document", () => {
  it("documents every operation's success answer and its errors by the one shared envelope", () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(80);
    for (const { key, op } of ops) {
      const success = Object.keys(op.responses).filter((s) => s.startsWith("2"));
      expect(success, key).toHaveLength(1);
      const errors = Object.entries(op.responses).filter(([s]) => Number(s) >= 400);
      expect(errors.length, key).toBeGreaterThan(0);
      for (const [status, response] of errors)
        expect(response.content?.["application/json"]?.schema, `${key} ${status}`).toEqual({ $ref: "#/components/schemas/Error" });
    }
    const text = JSON.stringify(served);
    expect(text).not.toContain('"success"');
    expect(served.components).toHaveProperty("schemas.Error.properties.error.properties.fieldCodes");
  });

  it("names the Idempotency-Key writes, the CSV bodies and answers, and who needs no session", () => {
    const op = (key: string) => operations().find((o) => o.key === key)!.op;
    const idempotency = (key: string) => op(key).parameters?.find((p) => p.in === "header" && p.name === "Idempotency-Key");
    expect(idempotency("POST /contacts")?.required).toBe(true);
    for (const key of ["POST /customers", "POST /revenue", "POST /card-sales", "POST /contacts/{id}/void"]) {
      expect(idempotency(key)?.required, key).toBe(false);
      expect(Object.values(op(key).responses)[0]?.headers, key).toHaveProperty("Idempotent-Replayed");
    }
    expect(idempotency("PATCH /customers/{id}")).toBeUndefined();
    for (const key of ["GET /customers/export.csv", "GET /analysis/tiers.csv", "GET /revenue/import/template.csv"])
      expect(op(key).responses["200"]?.content, key).toHaveProperty(["text/csv"]);
    for (const key of ["POST /customers/import", "POST /revenue/import"]) {
      expect(op(key).requestBody?.content, key).toHaveProperty(["text/csv"]);
      expect(op(key).responses, key).toHaveProperty("415");
    }
    expect(op("POST /signup").security).toEqual([]);
    expect(op("POST /auth/login").security).toEqual([]);
    expect(op("GET /customers").security).toBeUndefined();
    expect(served.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    expect(op("GET /customers").parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(["limit", "cursor"]));
  });

  it("catches an answer that breaks it: a wrong schema, an unlisted status, another content type", async () => {
    const club = await makeClub(t.url, "contract-club");
    const customer = await newCustomer(t.url, club.rep1.token, { name: "Contract Co", status: "prospect" });
    const path = `/api/v1/customers/${customer.id}`;
    const answer = await call(t.url, "GET", path, { token: club.rep1.token });
    expect(contractOf(served).check("GET", path, 200, "application/json", answer.body)).toBeUndefined();

    // The same answer against a document that says a customer's name is a number.
    const wrong = structuredClone(served);
    const schema = (wrong.paths["/customers/{id}"]!.get!.responses["200"]!.content!["application/json"]!.schema ?? {}) as {
      properties: Record<string, unknown>;
    };
    schema.properties.name = { type: "number" };
    expect(contractOf(wrong).check("GET", path, 200, "application/json", answer.body)).toMatch(
      /does not match the document: \/name must be number/,
    );

    const contract = contractOf(served);
    expect(contract.check("GET", path, 500, "application/json", { error: { code: "internal", message: "x" } })).toMatch(/does not list/);
    expect(contract.check("GET", path, 200, "text/csv", "a,b")).toMatch(/not application\/json/);
    expect(contract.check("GET", path, 404, "application/json", { success: false, error: [], data: null })).toMatch(/does not match/);
    expect(contract.check("GET", "/api/v1/no-such-thing", 200, "application/json", {})).toMatch(/not in the document/);
  });

  it("a client generated from it signs in, lists customers and logs a contact", async () => {
    const slug = "contract-client";
    const club = await makeClub(t.url, slug);
    await newCustomer(t.url, club.rep1.token, { name: "Alpha Ltd", status: "prospect" });
    const run = await clientExample(t.url, { club: slug, email: `rep1@${slug}.test`, password: "rep one pass 1" });
    expect(run.customers.map((c) => c.name)).toEqual(["Alpha Ltd"]);
    expect(run.contact).toMatchObject({ customerId: run.customers[0]!.id, channel: "phone" });
    expect(run.replayed).toBe(false);
  });
});
