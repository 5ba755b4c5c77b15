// Whether this dashboard server is shutting down: adapter-node closes its server on SIGTERM;
// readiness turns 503 from that moment so the load balancer stops sending.
let shuttingDown = false;
process.once("SIGTERM", () => (shuttingDown = true));

export const isShuttingDown = () => shuttingDown;
