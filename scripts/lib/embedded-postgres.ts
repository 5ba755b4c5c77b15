// The embedded database for `npm start` with no DATABASE_URL: PGlite (PostgreSQL in
// WebAssembly) with pgvector, served on a loopback Postgres wire socket so Prisma and pg
// connect to it like any server. Data lives in a local folder and survives restarts.
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { vector } from "@electric-sql/pglite-pgvector";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(dataDir: string, port = 0): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  // btree_gin: full text's (businessId, tsv) index (the knowledge_fulltext_per_business migration).
  const db = await PGlite.create({ dataDir, extensions: { vector, btree_gin } });
  await db.exec("CREATE EXTENSION IF NOT EXISTS vector");
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port, maxConnections: 20 });
  await server.start();
  const addr = (server as unknown as { server?: { address(): { port: number } } }).server?.address();
  const actualPort = addr?.port ?? port;
  return {
    url: `postgresql://postgres@127.0.0.1:${actualPort}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
