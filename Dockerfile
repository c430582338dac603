# A small image with ktriage: the same steps the package test runs (npm pack, then
# npm install -g from the tarball), on a Node.js 20 Alpine base.
#   docker build -t ktriage .
#   docker run --rm -v "$PWD:/work" -w /work ktriage lint k8s/
#   docker run --rm -v "$HOME/.kube:/home/node/.kube:ro" ktriage scan -A
FROM node:20-alpine AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build && npm pack --pack-destination /tmp

FROM node:20-alpine
COPY --from=build /tmp/ktriage-*.tgz /tmp/
RUN npm install -g --omit=dev --no-audit --no-fund /tmp/ktriage-*.tgz && rm /tmp/ktriage-*.tgz && npm cache clean --force
USER node
WORKDIR /work
ENTRYPOINT ["ktriage"]
CMD ["--help"]
