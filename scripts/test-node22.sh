#!/usr/bin/env bash
# `npm run test:node22`: runs the vitest suites on Node 22 LTS, the runtime infra/azure.bicep deploys
# (NODE|22-lts), while CI's own Node is 20. The binary is the registry package node-linux-<arch>, so this
# needs only the npm registry; it is cached in .tmp/node22 (git-ignored). Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${NODE22_VERSION:-22.23.3}"
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "test:node22: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
dir=".tmp/node22-$version"
bin="$PWD/$dir/node_modules/node-linux-$arch/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund "node-linux-$arch@$version" >/dev/null
fi
export PATH="$bin:$PATH"
echo "test:node22: $(node --version)"
node node_modules/vitest/vitest.mjs run "$@"
