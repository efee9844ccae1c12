/**
 * Writes contract/api.d.ts, the API's types as openapi-typescript reads them from the
 * OpenAPI document, for openapi-fetch clients (contract/client-example.ts). `pnpm typecheck`
 * runs it first, so the types are the document's of this very commit (the file is not kept).
 */
import { writeFile } from "node:fs/promises";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import { servedDocument } from "./document.ts";

const document = await servedDocument();
const ast = await openapiTS(document as unknown as OpenAPI3);
const banner = "// Generated from GET /api/v1/openapi.json by contract/generate.ts: do not edit.\n";
await writeFile(new URL("./api.d.ts", import.meta.url), banner + astToString(ast));
