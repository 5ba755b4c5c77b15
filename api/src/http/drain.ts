// Graceful shutdown of the API: readiness reports 503 first (load balancers stop sending),
// open event streams are ended with a `retry:` hint so clients reconnect to another instance,
// and in-flight requests are counted so the process waits for them (bounded) before closing.
import type { RequestHandler, Response } from "express";

export interface Drain {
  /** Counts in-flight requests and remembers event streams. */
  middleware: RequestHandler;
  draining(): boolean;
  /** Readiness turns 503 from now on. */
  begin(): void;
  /** Ends every open event stream, asking its client to reconnect after `retryMs`. */
  endStreams(retryMs: number): number;
  /** Resolves once no request is in flight, or after `timeoutMs`; true when idle. */
  idle(timeoutMs: number): Promise<boolean>;
  inFlight(): number;
}

export function createDrain(): Drain {
  let draining = false;
  const open = new Set<Response>();
  let waiters: (() => void)[] = [];
  const settle = () => {
    if (open.size > 0) return;
    for (const w of waiters) w();
    waiters = [];
  };

  return {
    middleware: (_req, res, next) => {
      open.add(res);
      res.once("close", () => {
        open.delete(res);
        settle();
      });
      if (draining) res.setHeader("Connection", "close");
      next();
    },
    draining: () => draining,
    begin: () => {
      draining = true;
    },
    endStreams(retryMs) {
      let ended = 0;
      for (const res of open) {
        if (!String(res.getHeader("Content-Type") ?? "").startsWith("text/event-stream") || res.writableEnded) continue;
        // Jittered, so a fleet of dashboards does not reconnect in one burst.
        res.end(`retry: ${retryMs + Math.floor(Math.random() * retryMs)}\n: this instance is shutting down; reconnect\n\n`);
        ended++;
      }
      return ended;
    },
    idle(timeoutMs) {
      if (open.size === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        timer.unref();
        waiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    inFlight: () => open.size,
  };
}
