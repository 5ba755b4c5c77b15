// The widget scripts, served by the API from widgets/dist: `/widgets/v1/<name>.<hash>.js` is
// the content-hashed script, cached for a year (immutable); `/widgets/v1/<name>.js` is the
// stable URL sites embed, a few lines that load the current hashed script, cached for
// minutes, so a new build reaches every site soon while the script itself is fetched once.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { RequestHandler, Response } from "express";

export const WIDGET_NAMES = ["knowledge", "call-log"] as const;
const LOADER_MAX_AGE_SEC = 300;
const ROUTE = /^\/widgets\/v1\/([a-z-]+)(?:\.([0-9a-f]{12}))?\.js$/;

interface Built {
  mtimeMs: number;
  size: number;
  hash: string;
  body: Buffer;
}

/** `dir` holds the build (`npm run build -w widgets`); files are re-read when they change. */
export function widgetScripts(dir: string): RequestHandler {
  const built = new Map<string, Built>();
  function current(name: string): Built | null {
    const file = join(dir, `${name}.js`);
    let st;
    try {
      st = statSync(file);
    } catch {
      return null;
    }
    const known = built.get(name);
    if (known && known.mtimeMs === st.mtimeMs && known.size === st.size) return known;
    const body = readFileSync(file);
    const fresh = { mtimeMs: st.mtimeMs, size: st.size, body, hash: createHash("sha256").update(body).digest("hex").slice(0, 12) };
    built.set(name, fresh);
    return fresh;
  }
  function sendScript(res: Response, body: string | Buffer, cacheControl: string) {
    res.setHeader("Content-Type", "text/javascript; charset=utf-8");
    res.setHeader("Cache-Control", cacheControl);
    res.setHeader("X-Content-Type-Options", "nosniff");
    // Any site may embed the scripts, also pages isolated with COEP, and with SRI.
    res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.status(200).send(body);
  }
  return (req, res, next) => {
    const m = ROUTE.exec(req.path);
    if (!m || (req.method !== "GET" && req.method !== "HEAD")) return next();
    const [, name, hash] = m;
    const script = (WIDGET_NAMES as readonly string[]).includes(name!) ? current(name!) : null;
    if (!script || (hash && hash !== script.hash)) {
      res.setHeader("Cache-Control", "no-store");
      res.status(404).type("text/plain").send(script ? "That version of the widget is gone; embed /widgets/v1/" + name + ".js.\n" : "No such widget script (are the widgets built? npm run build -w widgets).\n");
      return;
    }
    if (hash) return sendScript(res, script.body, "public, max-age=31536000, immutable");
    const file = `${name}.${script.hash}.js`;
    // Resolved against the loader's own URL, so it works behind any host name or proxy path.
    const loader = `(function(){var c=document.currentScript,s=document.createElement("script");s.src=new URL(${JSON.stringify(file)},c&&c.src||location.href).href;s.async=true;(document.head||document.documentElement).appendChild(s)})();\n`;
    sendScript(res, loader, `public, max-age=${LOADER_MAX_AGE_SEC}`);
  };
}
