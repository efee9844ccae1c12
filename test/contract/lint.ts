/**
 * `pnpm lint:openapi`: builds the OpenAPI document in-process and lints it with Redocly's
 * recommended rules (@redocly/openapi-core, the engine of `redocly lint`). Any error fails;
 * warnings are printed.
 */
import { createConfig, formatProblems, getTotals, lintFromString } from "@redocly/openapi-core";
import { servedDocument } from "./document.ts";

const started = performance.now();
const document = await servedDocument();
// The API is the club's own, published under no licence: the licence rule does not apply.
const config = await createConfig({ extends: ["recommended"], rules: { "info-license": "off" } });
const problems = await lintFromString({ source: JSON.stringify(document, null, 2), absoluteRef: "openapi.json", config });
const totals = getTotals(problems);
if (problems.length > 0) formatProblems(problems, { format: "stylish", totals, version: "1" });
const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
console.log(
  `openapi.json: ${operations} operations, ${totals.errors} errors, ${totals.warnings} warnings (${Math.round(performance.now() - started)} ms)`,
);
if (totals.errors > 0) process.exit(1);
