// Password hashing for dashboard users: bcrypt (bcryptjs, pure JS) over a SHA-256 pre-hash,
// so passphrases longer than bcrypt's 72-byte limit still count in full.
import { createHash } from "node:crypto";
import bcrypt from "bcryptjs";

/** bcrypt work factor: ~250 ms per hash here. Tests pass a lower cost to stay fast. */
export const DEFAULT_PASSWORD_COST = 12;
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 1024;

// base64 of the digest: fixed length, and never a NUL byte that bcrypt would stop at.
function prehash(password: string): string {
  return createHash("sha256").update(password.normalize("NFKC"), "utf8").digest("base64");
}

export async function hashPassword(password: string, cost = DEFAULT_PASSWORD_COST): Promise<string> {
  return bcrypt.hash(prehash(password), cost);
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (!hash.startsWith("$2")) return false;
  return bcrypt.compare(prehash(password), hash);
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends as long as a real check when the account does not exist, so response time does not
 * reveal which emails have accounts. Always false.
 */
export async function verifyPasswordOfUnknownUser(password: string, cost = DEFAULT_PASSWORD_COST): Promise<false> {
  dummyHash ??= hashPassword("frontdesk-no-such-user", cost);
  await bcrypt.compare(prehash(password), await dummyHash);
  return false;
}

/** A reason the password is too weak, or null. Kept simple: length and a few obvious picks. */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (/^(.)\1+$/.test(password)) return "must not be one repeated character";
  if (["password12", "1234567890", "qwertyuiop", "password123"].some((p) => lower.startsWith(p))) return "is too common";
  if (email && lower.includes(email.toLowerCase().split("@")[0]!) && email.split("@")[0]!.length >= 4) {
    return "must not contain your email name";
  }
  return null;
}
