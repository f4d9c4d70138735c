#!/usr/bin/env bash
# Installs the npm packages the test suites read at run time into <repo>/.cache/npm:
#   @octokit/openapi          GitHub's REST description (generated/api.github.com.json), used by the
#                             GitHub emulator to validate every request and response;
#   @octokit/webhooks-examples real webhook payloads;
#   kubernetes-models,        Kubernetes, Argo CD and Flux object classes whose validate() checks
#   @kubernetes-models/argo-cd, rendered manifests against their schemas offline
#   @kubernetes-models/flux-cd  (tests/GitOpsBridge.Deploy.Tests/validate-k8s.mjs);
#   @octokit/graphql-schema   GitHub's GraphQL schema (schema.graphql), which the GraphQL client's tests
#                             and the emulator's /graphql endpoint validate every document against;
#   graphql                   graphql-js, the reference implementation that parses and validates them
#                             (16.x: @octokit/graphql-schema asks for ^16, and 17 needs Node 22).
# Idempotent: a package already present at its pinned version is not fetched again.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$repo_root/.cache/npm"

# Pinned versions; bump them here and nowhere else.
packages=(
  "@octokit/openapi@23.0.2"
  "@octokit/webhooks-examples@7.6.1"
  "kubernetes-models@5.1.0"
  "@kubernetes-models/argo-cd@4.0.0"
  "@kubernetes-models/flux-cd@4.0.0"
  "@octokit/graphql-schema@15.26.1"
  "graphql@16.15.0"
)

installed_version() {
  local manifest="$prefix/node_modules/$1/package.json"
  [[ -f "$manifest" ]] || return 0
  node -e 'process.stdout.write(require(process.argv[1]).version)' "$manifest"
}

missing=()
for spec in "${packages[@]}"; do
  name="${spec%@*}"
  version="${spec##*@}"
  if [[ "$(installed_version "$name")" != "$version" ]]; then
    missing+=("$spec")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-npm-deps: all pinned packages present in $prefix"
  exit 0
fi

mkdir -p "$prefix"
echo "install-npm-deps: installing ${missing[*]} into $prefix"
# All packages are named every time so npm keeps them all in the same package.json.
npm install --prefix "$prefix" --no-audit --no-fund "${packages[@]}"
