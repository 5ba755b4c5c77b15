// Writes a new migration from the difference between prisma/migrations and schema.prisma
// (`prisma migrate dev` cannot run here: the wasm engine has no shadow-database factory).
// Usage: npm run db:new-migration -- <name>
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <name in snake_case>");
  process.exit(2);
}
const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/prisma.ts", "migrate", "diff",
  "--from-migrations", "prisma/migrations", "--to-schema-datamodel", "prisma/schema.prisma", "--script"], {
  encoding: "utf8",
  env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
});
if (r.status !== 0) {
  console.error(r.stderr);
  process.exit(1);
}
const unmanaged = readFileSync("prisma/unmanaged-indexes.sql", "utf8").split("\n").filter((l) => l && !l.startsWith("--"));
const sql = r.stdout.split(/\n(?=-- )/).filter((block) => !unmanaged.some((u) => block.includes(u))).join("\n").trim();
if (!sql || sql === "-- This is an empty migration.") {
  console.log("schema.prisma and the migrations agree: nothing to write");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = `prisma/migrations/${stamp}_${name}`;
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}/migration.sql`, sql + "\n");
console.log(`wrote ${dir}/migration.sql`);
