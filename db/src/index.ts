export * from "./client.ts";
export * from "./read.ts";
export * from "./schema/index.ts";
export * from "./tenant.ts";
