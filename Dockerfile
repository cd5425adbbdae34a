# The application image: the API (default command), the worker and the migrations run from it; see docker-compose.yml.
FROM node:20-bookworm-slim

WORKDIR /app

# The font the printable documents embed (api/documents/), as scripts/ensure-fonts.sh installs it elsewhere.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei && rm -rf /var/lib/apt/lists/*

# Dependencies first, so this layer is reused while package*.json do not change.
COPY package*.json ./
RUN npm ci

COPY . .
# The production worker (NODE_ENV=production) loads this pre-built bundle: dist/workflow-bundle.js.
RUN npx tsx scripts/build-workflow-bundle.ts
# The operator console's static assets, served under /console.
RUN npx tsx scripts/build-console.ts

ENV NODE_ENV=production
EXPOSE 3000
CMD ["npx", "tsx", "api/server.ts"]
