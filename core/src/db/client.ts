// The Prisma client over node-postgres (driver adapter), one per process.
import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";

export type Db = PrismaClient;

export interface DbOptions {
  url: string;
  poolMax?: number;
}

export function createDb({ url, poolMax = 10 }: DbOptions): Db {
  const adapter = new PrismaPg({ connectionString: url, max: poolMax });
  return new PrismaClient({ adapter });
}
