// Liveness of the dashboard server itself.
export function GET(): Response {
  return new Response(JSON.stringify({ status: "ok", service: "dashboard" }), {
    headers: { "content-type": "application/json" },
  });
}
