// The generated client (api/src/generated/client) names fetch's body type `BodyInit` as the
// DOM library does; Node's own types keep it in undici-types. Not generated: written by hand.
type BodyInit = import("undici-types").BodyInit;
