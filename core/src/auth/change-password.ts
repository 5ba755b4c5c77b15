// A signed-in user changing their password: the current one is required, and every other
// session of the account ends (the one making the change stays signed in).
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { verifyPassword } from "./password.ts";

export async function changePassword(
  db: Db,
  input: { userId: string; currentPassword: string; newPasswordHash: string; keepSessionId: string },
): Promise<void> {
  const user = await db.user.findUniqueOrThrow({ where: { id: input.userId }, select: { passwordHash: true } });
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new AppError("validation_failed", {
      message: "password change refused: wrong current password",
      userMessage: "The current password is not right.",
      errors: [{ path: "body.currentPassword", message: "is not your current password" }],
    });
  }
  await db.$transaction([
    db.user.update({ where: { id: input.userId }, data: { passwordHash: input.newPasswordHash } }),
    db.userSession.deleteMany({ where: { userId: input.userId, id: { not: input.keepSessionId } } }),
  ]);
}

/** Renames the user (shown in the dashboard and in the invitations they send). */
export async function renameUser(db: Db, input: { userId: string; name: string }): Promise<void> {
  await db.user.update({ where: { id: input.userId }, data: { name: input.name.trim() } });
}
