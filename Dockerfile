# syntax=docker/dockerfile:1
# One image for every way Warp runs; its entrypoint is the warp bin:
#   MCP server (stdio):  docker run -i --rm -e NATS_URL=nats://nats.example:4222 warp
#   hub:                 docker run --stop-timeout 75 -e NATS_URL=… -e NATS_CREDS=/creds/hub.creds -v …:/creds:ro warp hub
#   worker:              docker run --init -e NATS_URL=… warp worker --capability CAP --as HANDLE -- COMMAND…
# deploy/kubernetes runs it as the hub Deployment. test/e2e/container-image.e2e.spec.ts runs these
# steps in a temporary directory: RUN commands use paths relative to WORKDIR only.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so a source change reuses this layer; no install scripts run.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
# The server alone (tsconfig.src.json): the bench and the tests stay out of the image.
COPY tsconfig.json tsconfig.src.json ./
COPY src ./src
# Then only production dependencies, and bin/warp on PATH for people and probes (kubectl exec … warp doctor).
RUN npx tsc -p tsconfig.src.json \
  && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
  && chmod 755 dist/src/adapters/cli/bin.js \
  && mkdir bin \
  && ln -s ../dist/src/adapters/cli/bin.js bin/warp

FROM node:20-bookworm-slim AS runtime
# NATS_URL: without one, Warp would try to start a nats-server inside the container; this default
# is the Docker host's (Docker Desktop; on Linux add --add-host=host.docker.internal:host-gateway).
ENV NODE_ENV=production \
    NATS_URL=nats://host.docker.internal:4222 \
    PATH=/app/bin:$PATH
WORKDIR /app
# bin.js reads its version from package.json.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/bin ./bin
COPY schema ./schema
# The dashboard's browser assets (warp web), served as they are.
COPY web ./web
# The image's node user, by number so that Kubernetes' runAsNonRoot can check it. Nothing under
# /app is writable by it: the root filesystem may be read-only (the runtime directory is /tmp).
USER 1000:1000
# stdout is the MCP protocol; logs go to stderr. The hub and the MCP server handle SIGTERM
# themselves; a worker's commands are reaped by an init process (docker run --init).
ENTRYPOINT ["node", "/app/dist/src/adapters/cli/bin.js"]
