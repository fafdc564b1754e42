# syntax=docker/dockerfile:1
# The Pairgate portal (authorization server + pages), compiled, on plain Node.
#   docker build -t pairgate .
#   docker compose up          # with PostgreSQL: see compose.yaml and README, "Deploying"
# CI cannot run Docker; scripts/deploy.test.mjs builds the same runtime directory
# (scripts/runtime-layout.mjs) and starts it with this file's ENV and CMD instead.

# --- build: all dependencies, better-sqlite3's native addon, the compiled portal -------------
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source where no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY verify-portal/package.json verify-portal/
COPY device-app/package.json device-app/
# Only the portal's and shared's dependencies (no Electron). Scripts off: shared's `prepare`
# needs its sources (copied below); the two install scripts we need are run by name.
RUN npm ci --ignore-scripts --no-audit --no-fund \
      --workspace=@pairgate/shared --workspace=@pairgate/verify-portal --include-workspace-root \
 && npm rebuild better-sqlite3 esbuild
COPY . .
RUN npm run build --workspace=@pairgate/shared \
 && npm run build --workspace=@pairgate/verify-portal \
 && node scripts/runtime-layout.mjs /runtime

# --- runtime: production dependencies and the compiled portal, as a non-root user -----------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    PAIRGATE_DATA_DIR=/var/lib/pairgate
WORKDIR /app
# Owned by root and read-only to the server: only the data directory is writable.
COPY --from=build /runtime /app
RUN mkdir -p /var/lib/pairgate && chown node:node /var/lib/pairgate
VOLUME /var/lib/pairgate
USER node
EXPOSE 3000
# Liveness only (/healthz): a database outage must not get the container restarted (/readyz says that).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "verify-portal/dist/server.js"]
