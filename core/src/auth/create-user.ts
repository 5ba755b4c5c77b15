// Creating a dashboard user: one account per email, stored lower-cased. The password arrives
// hashed (auth/password.ts), so the cost of hashing stays the caller's choice.
import type { Prisma, User } from "@prisma/client";
import type { Db } from "../db/client.ts";
import { normaliseEmail } from "./email.ts";

export interface NewUser {
  email: string;
  /** Shown in the dashboard; the email when blank. */
  name: string;
  passwordHash: string;
  lastLoginAt?: Date;
  /** When the address was proven (a mailed link followed). */
  emailVerifiedAt?: Date;
}

export function createUser(db: Db | Prisma.TransactionClient, input: NewUser): Promise<User> {
  const email = normaliseEmail(input.email);
  return db.user.create({ data: { email, name: input.name.trim() || email, passwordHash: input.passwordHash, lastLoginAt: input.lastLoginAt ?? null, emailVerifiedAt: input.emailVerifiedAt ?? null } });
}
