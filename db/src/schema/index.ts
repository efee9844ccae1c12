export * from "./audit.ts";
export * from "./auth-throttle.ts";
export * from "./tenants.ts";
export * from "./users.ts";
