# The DR bot as a container: several replicas share one PostgreSQL (DATABASE_URL is required then).
# Two stages: the build stage has the dev dependencies and compiles TypeScript to dist/; the runtime stage
# has only the production dependencies and the compiled JavaScript (no tsx, no TypeScript, no compiler).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json manifest.yml ./
COPY scripts ./scripts
COPY src ./src
COPY commands ./commands
# No embedded-database template: the image needs DATABASE_URL and has no local workspace.
RUN npm run build -- --no-embedded-template

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
# The heap is sized to the pod: deploy/deployment.yaml limits memory to 512Mi; 256 MB of old space leaves
# room for the rest of the process (code, buffers, the PostgreSQL driver's sockets). Node 22+ lets V8 grow
# the young generation far more than Node 20 did; a 1 MB semi-space keeps the resident set down (reminder
# bench on Node 24: 239 MB peak RSS with V8's default, 145 MB at 4 MB; the footprint bench's rest_rss_mb
# 145 at 4 MB, 130 at 1 MB) at the cost of more frequent, smaller scavenges: a chat bot's live set is small.
# --v8-pool-size=1: one V8 worker thread (background GC and compiling) instead of one per core; each keeps
# its own arenas (about 4 MB resident less), and a bot that mostly waits on Slack and PostgreSQL loses nothing.
# No NODE_COMPILE_CACHE: it cut a cold start's CPU by about a quarter (~0.2 s) but kept ~5 MB more resident
# (code deserialised eagerly), and the start is well inside its goal without it.
ENV NODE_ENV=production PORT=3000 DR_POLICY=/etc/dr-bot/dr-policy.yml NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=1 --v8-pool-size=1"
COPY package.json package-lock.json ./
# --ignore-scripts: the production tree needs no install scripts (and npm start's prestart builds, which
# needs the compiler this stage leaves out).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY dr-policy.yml ./
COPY templates ./templates
# The RDS CA bundle the policy's SQL checks verify against (targets.database.sql: verify-full), from AWS's trust store.
ADD --chmod=644 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem
USER node
EXPOSE 3000
# Ready when /healthz answers 200 (the database answers); deploy/ uses the same path for its probes.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM reaches node directly (no shell, no npm): the bot stops taking requests, lets the acked ones
# finish, stops ticking and hands back its leases. --optimize-for-size (a V8 flag NODE_OPTIONS may not
# carry): V8 keeps a smaller heap; rest_rss_mb 132 → 121 on Node 24 (footprint probe, 15 s idle).
CMD ["node", "--optimize-for-size", "dist/src/main.js"]
