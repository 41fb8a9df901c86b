#!/usr/bin/env bash
# Headless Chromium for the Web UI test (tests/triggers/web-ui.test.ts drives the Temporal dev
# server's UI through playwright-core). Debian's own package: no browser download from npm.
# Idempotent: does nothing when a chromium binary is already on the PATH (or FORGELINE_CHROMIUM is set).
set -euo pipefail
if [ -n "${FORGELINE_CHROMIUM:-}" ] && [ -x "${FORGELINE_CHROMIUM}" ]; then
  echo "chromium: ${FORGELINE_CHROMIUM} (FORGELINE_CHROMIUM)"
  exit 0
fi
for bin in chromium chromium-browser; do
  if command -v "$bin" >/dev/null 2>&1; then
    echo "chromium: $(command -v "$bin") ($("$bin" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
  fi
done
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# A postinst that fails half-way (e.g. apt-utils missing) leaves packages unconfigured: configure
# them and retry once rather than failing the whole CI run.
if ! $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null; then
  $SUDO dpkg --configure -a
  $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
fi
echo "chromium: $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown'))"
