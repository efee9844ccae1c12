import { hash, verify } from "@node-rs/argon2";

// argon2id with OWASP's minimum (19 MiB, t=2, p=1).
const opts = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, opts);
}

// A real hash to verify against when the user does not exist, so that a missing
// account costs the same time as a wrong password.
let dummy: Promise<string> | undefined;

export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hash("not-a-real-password", opts);
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
