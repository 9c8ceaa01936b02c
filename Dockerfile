# The DR bot as a container: several replicas share one PostgreSQL (DATABASE_URL is required then).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000 DR_POLICY=/etc/dr-bot/dr-policy.yml
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json dr-policy.yml ./
COPY src ./src
COPY commands ./commands
COPY templates ./templates
USER node
EXPOSE 3000
# SIGTERM reaches node directly (no shell): the bot finishes its step, stops ticking and hands back its leases.
CMD ["node", "--import", "tsx", "src/main.ts"]
