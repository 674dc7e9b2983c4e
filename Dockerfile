# The onrecord service, built into plain JavaScript at image build time
# (scripts/build-service.mjs); `onrecord start` finds that build and runs it,
# exactly as `npm start` does on a developer's machine.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY tsconfig.json ./
RUN node scripts/build-service.mjs
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>r.json()).then(b=>process.exit(b.database&&b.database.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/onrecord", "start"]
