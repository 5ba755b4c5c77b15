// Prisma CLI configuration: the offline WebAssembly schema engine over @prisma/adapter-pg.
// The three work-arounds below are for open Prisma 6.19 bugs; delete each when fixed upstream.
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import type { PoolConfig } from "pg";
// Work-around 1 (prisma/orm#27403): the wasm schema engine reads catalog columns of type
// `name` (OID 19) and "char" (OID 18), which adapter-pg rejects; report them as text (OID 25).
// Only the CLI process loads this file.
// @ts-expect-error pg ships no types for its internal Result class
import Result from "pg/lib/result.js";

const ResultProto = (Result as unknown as { prototype: { addFields(fields: { dataTypeID: number }[]): unknown } }).prototype;
const addFields = ResultProto.addFields;
ResultProto.addFields = function (fields) {
  for (const f of fields) if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = 25;
  return addFields.call(this, fields);
};

function pgConfig(url: string): PoolConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password) || undefined,
    database: u.pathname.slice(1),
    allowExitOnIdle: true,
  };
}

// Work-around 2: adapter-pg's connectToShadowDb() lets a connection string override the
// shadow database name and drops the shadow database before closing its pool.
class PrismaPgMigrate extends PrismaPg {
  constructor(private readonly cfg: PoolConfig) {
    super(cfg);
  }
  override async connectToShadowDb() {
    const main = await this.connect();
    const db = `prisma_shadow_${process.pid}_${Date.now()}`;
    await main.executeScript(`CREATE DATABASE "${db}"`);
    const shadow = await new PrismaPg({ ...this.cfg, database: db }).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await main.executeScript(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      await main.dispose();
    };
    return shadow;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    return new PrismaPgMigrate(pgConfig(process.env.DATABASE_URL!));
  },
});

// Work-around 3: the wasm schema engine leaves 10 s / 60 s timers armed after the command
// finishes, so the CLI lingers; unref long timers so Node exits when the work is done.
const setTimeoutOriginal = globalThis.setTimeout;
(globalThis as { setTimeout: unknown }).setTimeout = (fn: () => void, ms?: number, ...args: []) => {
  const t = setTimeoutOriginal(fn, ms, ...args);
  if ((ms ?? 0) >= 10_000) t.unref?.();
  return t;
};
