// One webhook endpoint: its events and state, the delivery log, a test delivery, a new secret.
import { redirect } from "@sveltejs/kit";
import type { Actions, PageServerLoad } from "./$types";
import { api, get } from "$lib/server/api";
import { refused, saved } from "$lib/server/forms";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => {
  const id = encodeURIComponent(event.params.id);
  const [hook, deliveries] = await Promise.all([
    get<Schemas["WebhookEndpoint"]>(event, `/v1/webhook-endpoints/${id}`),
    get<Schemas["WebhookDeliveryList"]>(event, `/v1/webhook-endpoints/${id}/deliveries?limit=50`),
  ]);
  return { hook, deliveries: deliveries.data };
};

export const actions: Actions = {
  update: async (event) => {
    const form = await event.request.formData();
    const body = { events: form.getAll("events").map(String) as Schemas["WebhookEventType"][], isActive: form.get("isActive") === "on", description: String(form.get("description") ?? "").trim() || null };
    const r = await api(event, "PATCH", `/v1/webhook-endpoints/${encodeURIComponent(event.params.id)}`, { body });
    if (!r.ok) return refused(r.problem, {}, "update");
    return saved("update", "Endpoint saved.");
  },
  test: async (event) => {
    const r = await api<Schemas["WebhookDelivery"]>(event, "POST", `/v1/webhook-endpoints/${encodeURIComponent(event.params.id)}/test`);
    if (!r.ok) return refused(r.problem, {}, "test");
    const d = r.data;
    return saved("test", d.status === "succeeded" ? `Test delivered: your endpoint answered ${d.responseStatus}.` : `Test not delivered: ${d.lastError ?? `your endpoint answered ${d.responseStatus}`}.`);
  },
  rotate: async (event) => {
    const r = await api<Schemas["WebhookEndpointWithSecret"]>(event, "POST", `/v1/webhook-endpoints/${encodeURIComponent(event.params.id)}/rotate-secret`);
    if (!r.ok) return refused(r.problem, {}, "rotate");
    return saved("rotate", "New signing secret (shown once):", { secret: r.data.secret });
  },
  redeliver: async (event) => {
    const id = String((await event.request.formData()).get("deliveryId") ?? "");
    const r = await api<Schemas["WebhookDelivery"]>(event, "POST", `/v1/webhook-endpoints/${encodeURIComponent(event.params.id)}/deliveries/${encodeURIComponent(id)}/redeliver`);
    if (!r.ok) return refused(r.problem, {}, "test");
    return saved("test", r.data.status === "succeeded" ? `Redelivered: your endpoint answered ${r.data.responseStatus}.` : `Redelivery failed: ${r.data.lastError ?? `your endpoint answered ${r.data.responseStatus}`}.`);
  },
  delete: async (event) => {
    const r = await api(event, "DELETE", `/v1/webhook-endpoints/${encodeURIComponent(event.params.id)}`);
    if (!r.ok) return refused(r.problem, {}, "update");
    redirect(303, "/developers#webhooks");
  },
};
