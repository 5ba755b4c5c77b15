// Entry of widgets/dist/call-log.js: defines <frontdesk-call-log>. (`theme` is read by the
// stylesheet alone; it is listed so that `element.theme = "dark"` works like the attribute.)
import CallLog from "./CallLog.svelte";
import { defineWidget } from "./shared/element.svelte.ts";
import base from "./shared/base.css?inline";
import own from "./call-log.css?inline";

defineWidget(
  "frontdesk-call-log",
  CallLog,
  base + own,
  { key: "key", "api-base": "apiBase", locale: "locale", theme: "theme", token: "token", "page-size": "pageSize", refresh: "refresh" },
  ["getToken"],
);
