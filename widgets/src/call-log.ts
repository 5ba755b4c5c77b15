// Entry of widgets/dist/call-log.js: defines <frontdesk-call-log>.
import CallLog from "./CallLog.svelte";
import { defineWidget } from "./shared/element.svelte.ts";
import base from "./shared/base.css?inline";
import own from "./call-log.css?inline";

defineWidget(
  "frontdesk-call-log",
  CallLog,
  base + own,
  { key: "key", "api-base": "apiBase", locale: "locale", token: "token", "page-size": "pageSize", refresh: "refresh" },
  ["getToken"],
);
