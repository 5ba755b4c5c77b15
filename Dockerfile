# One image for every frontdesk process; the command picks which (see deploy/ and README):
#   api       node --import tsx api/src/main.ts                (PORT, default 3000)
#   worker    node --import tsx api/src/main.ts --worker       (PORT, health and metrics only)
#   realtime  node --import tsx realtime/src/main.ts           (PORT)
#   dashboard node dashboard/build/index.js                    (PORT)
#   migrate   node --import tsx scripts/prisma.ts migrate deploy
# The TypeScript sources run under tsx (a runtime dependency of api and realtime), as in
# development; only the dashboard and the widgets are built.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# Manifests first, so the dependency layer is cached across source changes. The postinstall
# step generates the Prisma client, which needs the schema and the Prisma wrapper.
COPY package.json package-lock.json prisma.config.ts ./
COPY core/package.json core/
COPY api/package.json api/
COPY realtime/package.json realtime/
COPY dashboard/package.json dashboard/
COPY widgets/package.json widgets/
COPY prisma/schema.prisma prisma/
COPY scripts/prisma.ts scripts/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -w dashboard && npm run build -w widgets \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf dashboard/.svelte-kit test bench

FROM node:22-bookworm-slim
# tini: PID 1 that forwards SIGTERM to node (which drains) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
# Owned by root, run as `node`: the process cannot rewrite its own code.
COPY --from=build /app /app
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "api/src/main.ts"]
