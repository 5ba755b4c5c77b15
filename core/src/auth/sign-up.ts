// Signing up: a new account and, when named, its first business (the user its owner), in one
// transaction so a clash leaves nothing behind.
import { Prisma, type Plan, type User } from "@prisma/client";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { createUser, type NewUser } from "./create-user.ts";
import { createBusiness } from "../business/create-business.ts";

export interface SignUpInput extends NewUser {
  businessName?: string;
  /** The plan the business starts on (BILLING_DEFAULT_PLAN); the schema's default otherwise. */
  plan?: Plan;
}

export async function signUp(db: Db, input: SignUpInput): Promise<User> {
  const { businessName, plan, ...user } = input;
  return db
    .$transaction(async (tx) => {
      const created = await createUser(tx, user);
      if (businessName) await createBusiness(tx, { ownerId: created.id, name: businessName, ...(plan ? { plan } : {}) });
      return created;
    })
    .catch((err: unknown) => {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
        throw new AppError("conflict", { reason: "email_taken", message: "sign-up refused: email in use", userMessage: "An account with this email exists; log in instead.", cause: err });
      }
      throw err;
    });
}
