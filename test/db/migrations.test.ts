import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

describe("database migrations", () => {
  it("the committed migrations produce exactly the schema in schema.prisma (no drift)", () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "scripts/prisma.ts", "migrate", "diff", "--from-migrations", "prisma/migrations",
        "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
      { encoding: "utf8", env: process.env, timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    // Indexes Prisma cannot describe (HNSW) are listed, statement by statement, as known.
    const known = readFileSync("prisma/unmanaged-indexes.sql", "utf8").split("\n").filter((l) => l && !l.startsWith("--"));
    const statements = r.stdout
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("--"))
      .filter((l) => !known.includes(l.trim()));
    expect(statements).toEqual([]);
  });
});
