import type { ExtractSchema } from "hono/types";
import type { z } from "zod";
import type { ApiType } from "./app.ts";
import type { answers } from "./openapi.ts";

/**
 * The compiler's check that the OpenAPI document (openapi.ts) tells the truth: every
 * route's JSON answer, as its handler's type says, is admitted by the schema documented
 * for its path, method and status. Nothing imports this file; `pnpm typecheck` compiles
 * it (it lives apart from openapi.ts, which the app imports, so no import runs in a circle).
 */
type Api = ExtractSchema<ApiType>;
type Documented = typeof answers;
type Check<P, M, S, O> = P extends keyof Documented
  ? M extends keyof Documented[P]
    ? S extends keyof Documented[P][M]
      ? Documented[P][M][S] extends z.ZodType
        ? [O] extends [z.input<Documented[P][M][S]>]
          ? never
          : `${M & string} ${P & string} ${S & number}: the answer is not what its schema says`
        : `${M & string} ${P & string} ${S & number}: a JSON answer documented as another kind`
      : `${M & string} ${P & string} ${S & number}: the status is not documented`
    : `${M & string} ${P & string}: the method is not documented`
  : `${P & string}: the path is not documented`;
/** Every route's JSON answer that its documented schema does not admit: there must be none. */
type Undocumented = {
  [P in keyof Api]: {
    [M in keyof Api[P]]: Api[P][M] extends infer E
      ? E extends { output: infer O; status: infer S; outputFormat: "json" }
        ? Check<P, M, S, O>
        : never
      : never;
  }[keyof Api[P]];
}[keyof Api];
/** Fails to compile, naming the route, when a handler's answer and its documented schema part. */
const answersAreDocumented: [Undocumented] extends [never] ? true : `${Undocumented}` = true;
void answersAreDocumented;
