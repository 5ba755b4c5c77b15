// Entry of widgets/dist/knowledge.js: defines <frontdesk-knowledge>. (`theme` is read by the
// stylesheet alone; it is listed so that `element.theme = "dark"` works like the attribute.)
import Knowledge from "./Knowledge.svelte";
import { defineWidget } from "./shared/element.svelte.ts";
import base from "./shared/base.css?inline";
import own from "./knowledge.css?inline";

defineWidget("frontdesk-knowledge", Knowledge, base + own, { key: "key", "api-base": "apiBase", locale: "locale", theme: "theme" });
