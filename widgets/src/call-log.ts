// Entry of widgets/dist/call-log.js: defines <frontdesk-call-log>.
import "./CallLog.svelte";
