// The agent's typed configuration as a form; the API's validation errors land beside each field.
import type { Actions, PageServerLoad } from "./$types";
import { api, get } from "$lib/server/api";
import { refused, saved } from "$lib/server/forms";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => {
  const [agent, instructions] = await Promise.all([
    get<Schemas["AgentConfig"]>(event, "/v1/agent-config"),
    get<Schemas["AgentInstructions"]>(event, "/v1/agent-config/instructions"),
  ]);
  return { agent, instructions };
};

/** Comma- or line-separated entries, blanks dropped. */
const listOf = (s: string | undefined) => (s ?? "").split(/[,\n]/).map((x) => x.trim()).filter(Boolean);

const orNull = (s: string | undefined) => (s && s.trim() ? s.trim() : null);

/** The form's fields as the API's AgentConfigPatch. */
async function draftFrom(request: Request): Promise<{ v: Record<string, string>; body: Schemas["AgentConfigPatch"] }> {
    const form = await request.formData();
    const v: Record<string, string> = {};
    for (const [k, val] of form) if (typeof val === "string" && k !== "enabledTools") v[k] = val;
    const num = (s: string | undefined) => (s === undefined || s.trim() === "" ? undefined : Number(s));
    const body: Schemas["AgentConfigPatch"] = {
      prompt: v.prompt ?? "",
      greeting: v.greeting ?? "",
      voice: v.voice as Schemas["Voice"],
      language: v.language ?? "",
      speed: num(v.speed),
      vadType: v.vadType as Schemas["AgentConfigPatch"]["vadType"],
      vadSensitivity: v.vadSensitivity as Schemas["AgentConfigPatch"]["vadSensitivity"],
      transcriptionModel: orNull(v.transcriptionModel),
      transferNumber: orNull(v.transferNumber),
      fallbackNumber: orNull(v.fallbackNumber),
      dtmfTransferDigit: (v.dtmfTransferDigit || null) as Schemas["DtmfDigit"],
      maxCallDurationSec: num(v.maxCallDurationSec),
      afterHours: v.afterHours as "answer" | "closed",
      closedMessage: v.closedMessage ?? "",
      enabledTools: form.getAll("enabledTools").map(String) as Schemas["AgentTool"][],
      outboundCallingCodes: listOf(v.outboundCallingCodes).map((c) => c.replace(/^\+/, "")),
      doNotCall: listOf(v.doNotCall).map((n) => n.replace(/[\s().-]/g, "")),
      voicemailMessage: v.voicemailMessage ?? "",
      // An unticked checkbox is absent from the form: recording is then off.
      recordCalls: v.recordCalls === "on",
      recordingConsentMessage: v.recordingConsentMessage ?? "",
      recordingRetentionDays: num(v.recordingRetentionDays),
    };
    return { v, body };
}

export const actions: Actions = {
  save: async (event) => {
    const { v, body } = await draftFrom(event.request);
    const r = await api(event, "PATCH", "/v1/agent-config", { body });
    if (!r.ok) return refused(r.problem, v, "save");
    return saved("save", "Saved; the next call uses these settings.");
  },
  /** The instructions these (unsaved) settings would give the model. */
  preview: async (event) => {
    const { v, body } = await draftFrom(event.request);
    const r = await api<Schemas["AgentInstructions"]>(event, "POST", "/v1/agent-config/instructions", { body });
    if (!r.ok) return refused(r.problem, v, "save");
    return { ...saved("preview", "Preview of your unsaved changes (nothing saved yet):", { instructions: r.data }), values: v };
  },
};
