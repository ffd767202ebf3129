# One image for both halves of a cluster: `docker run IMAGE coordinator ...` and `docker run IMAGE worker ...`
# (docs/deploy.md). deploy/kubernetes runs it; the tests of test/deploy/ check that this
# file and those manifests run the CLI as it is.

# Build: compilers and dev dependencies stay in this stage.
FROM node:20-bookworm AS build
# better-sqlite3 compiles its native addon with these when no prebuilt binary can be downloaded.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's own `prepare` would build before the sources are copied; the one
# dependency whose install script matters, the native addon, is built on its own. This layer is
# cached until the lock file changes.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY . .
# `buf generate` runs the local protoc-gen-es plugin from node_modules: no network needed.
RUN npm run build \
    && npm prune --omit=dev \
    && rm -rf dist/test dist/bench dist/tsconfig.tsbuildinfo

# Runtime: Node and what the package ships (package.json "files"), nothing else.
FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/dashboard/assets ./dashboard/assets
COPY --from=build /app/proto ./proto
COPY --from=build /app/python/sweeper_report.py ./python/sweeper_report.py
COPY --from=build /app/sweeps ./sweeps
# `kubectl exec POD -- sweeper best STUDY` works as on a workstation.
RUN ln -s /app/bin/sweeper.js /usr/local/bin/sweeper
# The base image's `node` user, by number: Kubernetes can only check runAsNonRoot against a numeric user.
USER 1000:1000
# No CMD: the first argument picks the mode (coordinator, worker, submit, best...).
ENTRYPOINT ["node", "/app/bin/sweeper.js"]
