// A successful login, remembered on the account (shown to its owner; helps spot stale accounts).
import type { Db } from "../db/client.ts";

export async function recordLogin(db: Db, userId: string, at: Date): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { lastLoginAt: at } });
}
