# syntax=docker/dockerfile:1
# Warp MCP server (stdio). Run: docker run -i --rm -e NATS_URL=nats://host.docker.internal:4222 warp

FROM node:20-slim AS build
WORKDIR /app
# Dependencies first so source edits reuse the npm ci layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The image needs the server only: tsconfig.src.json compiles src/ (the bench needs test support).
COPY tsconfig.json tsconfig.src.json ./
COPY src ./src
COPY schema ./schema
RUN npx tsc -p tsconfig.src.json && npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    NATS_URL=nats://host.docker.internal:4222
WORKDIR /app
# bin.js reads its version from package.json.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/schema ./schema
# The dashboard's browser assets (warp web), served as they are.
COPY web ./web
# The image's built-in unprivileged user; stdout stays the MCP protocol, logs go to stderr.
USER node
ENTRYPOINT ["node", "dist/src/adapters/cli/bin.js"]
