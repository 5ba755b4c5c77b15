// One connection of its own that LISTENs for changes to businesses' calls (the channel the
// calls_change_notify migration's triggers notify on, with the business id as payload), for
// the calls page cache. It says when it starts and stops hearing them, since a change made
// while it was not listening is lost: the cache must be off then, and empty when it comes back.
// Reconnects with backoff; a heartbeat notices a connection that died silently. The embedded
// PGlite (one session shared by every connection) is never listened to: no cache there.
import { hostname } from "node:os";
import pg from "pg";

export const CALLS_CHANNEL = "frontdesk_calls";

export interface CallsChangeHandlers {
  /** A business's calls changed; null: every business's (a TRUNCATE). */
  changed(businessId: string | null): void;
  /** Listening from now on: nothing said before now was heard. */
  up(): void;
  /** Not listening any more (not said on close()). */
  down(err?: unknown): void;
}

export interface CallsChangeListener {
  close(): Promise<void>;
}

export interface ListenerOptions {
  url: string;
  /** First reconnection delay, doubled up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often the connection is checked, and how long an answer may take. */
  heartbeatMs?: number;
}

/** How the listener's backend shows in pg_stat_activity (this host and process). */
export const listenerApplicationName = () => `frontdesk-api calls-cache ${hostname().slice(0, 24)}:${process.pid}`;

export function listenForCallChanges(opts: ListenerOptions, on: CallsChangeHandlers): CallsChangeListener {
  const minBackoff = opts.minBackoffMs ?? 100;
  const maxBackoff = opts.maxBackoffMs ?? 10_000;
  const heartbeatMs = opts.heartbeatMs ?? 10_000;
  let closed = false;
  let client: pg.Client | undefined;
  let listening = false;
  let backoff = minBackoff;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let ended: Promise<void> = Promise.resolve();

  const lost = (c: pg.Client, err?: unknown) => {
    if (client !== c) return; // an older connection's late news
    client = undefined;
    clearInterval(heartbeat);
    if (listening) {
      listening = false;
      if (!closed) on.down(err);
    }
    ended = c.end().catch(() => {});
    if (closed) return;
    retry = setTimeout(connect, backoff);
    retry.unref();
    backoff = Math.min(maxBackoff, backoff * 2);
  };

  async function connect() {
    if (closed) return;
    const c = new pg.Client({
      connectionString: opts.url,
      application_name: listenerApplicationName(),
      keepAlive: true,
      query_timeout: heartbeatMs,
    });
    client = c;
    c.on("error", (err) => lost(c, err));
    c.on("end", () => lost(c));
    c.on("notification", (n) => {
      if (n.channel === CALLS_CHANNEL && client === c && listening) on.changed(n.payload ? n.payload : null);
    });
    try {
      await c.connect();
      const { rows } = await c.query<{ v: string }>("SELECT version() AS v");
      if (rows[0]?.v.includes("PGlite")) {
        client = undefined;
        await c.end();
        return; // no LISTEN there: the cache stays off
      }
      await c.query(`LISTEN ${CALLS_CHANNEL}`);
      if (closed || client !== c) return;
      listening = true;
      backoff = minBackoff;
      on.up();
      heartbeat = setInterval(() => void c.query("SELECT 1").catch((err) => lost(c, err)), heartbeatMs);
      heartbeat.unref();
    } catch (err) {
      lost(c, err);
    }
  }
  void connect();

  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      if (client) lost(client);
      await ended;
    },
  };
}
