import { type PGlite, type PGliteOptions, types } from "@electric-sql/pglite";

/**
 * What drizzle asks PGlite for on every query: dates, times, intervals and their
 * arrays as the text PostgreSQL sent (drizzle maps them itself). drizzle passes this
 * map with each query, and PGlite then merges it with its whole default map for that
 * query: a fifth of the embedded server's JavaScript time under a write load.
 */
const AS_TEXT = (value: string) => value;
export const DRIZZLE_PARSERS: NonNullable<PGliteOptions["parsers"]> = {
  [types.TIMESTAMP]: AS_TEXT,
  [types.TIMESTAMPTZ]: AS_TEXT,
  [types.INTERVAL]: AS_TEXT,
  [types.DATE]: AS_TEXT,
  1231: AS_TEXT, // numeric[]
  1115: AS_TEXT, // timestamp[]
  1185: AS_TEXT, // timestamptz[]
  1187: AS_TEXT, // interval[]
  1182: AS_TEXT, // date[]
};

type QueryOptions = { parsers?: unknown } & Record<string, unknown>;
type Queryable = { query(text: string, params?: unknown[], options?: QueryOptions): Promise<unknown> };

/** The options without drizzle's per-query parsers, when they are the ones the database was made with. */
function withoutParsers(options: QueryOptions | undefined): QueryOptions | undefined {
  if (!options?.parsers) return options;
  const { parsers: _, ...rest } = options;
  return rest;
}

function plainQueries<T extends Queryable>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "query")
        return (text: string, params?: unknown[], options?: QueryOptions) => target.query(text, params, withoutParsers(options));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * A PGlite made with drizzle's parsers as its own, handed to drizzle through a view
 * that drops the same parsers from each query (and from each query of a transaction),
 * so PGlite uses its own map as it is. Results are the same: the same parser for
 * every type.
 */
export function forDrizzle(client: PGlite): PGlite {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "query")
        return (text: string, params?: unknown[], options?: QueryOptions) => target.query(text, params, withoutParsers(options) as never);
      if (prop === "transaction")
        return <R>(fn: (tx: Queryable) => Promise<R>) => target.transaction((tx) => fn(plainQueries(tx as unknown as Queryable)));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
