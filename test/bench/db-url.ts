/**
 * The same server's URL with another database in it: only the path changes, so the
 * user (often itself named `postgres`), the password, the host, the port and the
 * query string (`sslmode`, `host=/socket/dir`) are kept as they were.
 */
export function withDatabase(url: string, dbName: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(dbName)}`;
  return u.toString();
}

/** A URL fit for a log line: any password is replaced by `***`. */
export function withoutPassword(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
