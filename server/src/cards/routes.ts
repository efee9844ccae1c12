import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function cardRoutes(_deps: Deps) {
  return new Hono();
}
