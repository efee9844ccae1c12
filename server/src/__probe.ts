import { apiRoutes } from "./app.ts";
import type { Deps } from "./deps.ts";
import { openApiDocument } from "./openapi.ts";

const doc = await openApiDocument(apiRoutes({} as Deps));
process.stdout.write(JSON.stringify(doc, null, 2));
