// Developers: secret API keys (scopes; the secret shown once; revoke; rotate) and webhook
// endpoints (events; the signing secret shown once).
import type { Actions, PageServerLoad } from "./$types";
import { api, get } from "$lib/server/api";
import { formValues, refused, saved } from "$lib/server/forms";
import { apiPublicUrl } from "$lib/server/upstream";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => {
  const [keys, hooks] = await Promise.all([
    get<Schemas["ApiKeyList"]>(event, "/v1/api-keys?limit=100"),
    get<Schemas["WebhookEndpointList"]>(event, "/v1/webhook-endpoints?limit=100"),
  ]);
  return { keys: keys.data, hooks: hooks.data, docsUrl: `${apiPublicUrl()}/docs` };
};

export const actions: Actions = {
  createKey: async (event) => {
    const form = await event.request.formData();
    const name = String(form.get("name") ?? "");
    const scopes = form.getAll("scopes").map(String) as Schemas["ApiKeyScope"][];
    const r = await api<Schemas["ApiKeyWithSecret"]>(event, "POST", "/v1/api-keys", { body: { name, scopes } });
    if (!r.ok) return refused(r.problem, { name }, "keys");
    return saved("keys", `Key “${r.data.name}” created. Copy it now: it is not shown again.`, { secret: r.data.secret });
  },
  revokeKey: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "DELETE", `/v1/api-keys/${encodeURIComponent(v.id ?? "")}`);
    if (!r.ok) return refused(r.problem, {}, "keys");
    return saved("keys", "Key revoked; it stops working at once.");
  },
  rotateKey: async (event) => {
    const v = await formValues(event.request);
    const r = await api<Schemas["ApiKeyWithSecret"]>(event, "POST", `/v1/api-keys/${encodeURIComponent(v.id ?? "")}/rotate`, { body: { overlapSeconds: 86400 } });
    if (!r.ok) return refused(r.problem, {}, "keys");
    return saved("keys", "Key rotated: the old one keeps working for 24 hours. Copy the new one now.", { secret: r.data.secret });
  },
  createHook: async (event) => {
    const form = await event.request.formData();
    const url = String(form.get("url") ?? "");
    const description = String(form.get("description") ?? "").trim() || null;
    const events = form.getAll("events").map(String) as Schemas["WebhookEventType"][];
    const r = await api<Schemas["WebhookEndpointWithSecret"]>(event, "POST", "/v1/webhook-endpoints", { body: { url, description, events } });
    if (!r.ok) return refused(r.problem, { url, description: description ?? "" }, "hooks");
    return saved("hooks", "Endpoint added. Its signing secret is shown once:", { secret: r.data.secret, id: r.data.id });
  },
};
