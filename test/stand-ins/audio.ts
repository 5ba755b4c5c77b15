// μ-law audio for the stand-ins: shared with the call simulator in scripts/lib.
export * from "../../scripts/lib/mulaw-audio.ts";
