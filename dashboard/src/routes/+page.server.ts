// The landing page asks the API whether it is up, server-side, so the page can say so.
import type { PageServerLoad } from "./$types";

const apiUrl = (process.env.API_PUBLIC_URL ?? `http://127.0.0.1:${process.env.API_PORT ?? 3000}`).replace(/\/+$/, "");

export const load: PageServerLoad = async ({ fetch }) => {
  let api: "up" | "down" = "down";
  try {
    const res = await fetch(`${apiUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
    api = res.ok ? "up" : "down";
  } catch {
    api = "down";
  }
  return { apiUrl, api };
};
