# The Forgeline worker image (docker-compose.yml builds it for the CPU and GPU workers).
FROM node:20-bookworm-slim
ENV ONNXRUNTIME_NODE_INSTALL=skip NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY . .
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
VOLUME ["/data/forgeline"]
CMD ["node", "dist/cli/main.js", "worker"]
