// Entry of widgets/dist/knowledge.js: defines <frontdesk-knowledge>.
import "./Knowledge.svelte";
