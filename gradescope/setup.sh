#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu).
# It installs Node.js 24 (the current LTS; 20 reached end of life on 2026-04-30) and the course's locked dependencies.
#
# Build the autograder zip from the course repository:
#   npm run export -- /tmp/autograder --gradescope
#   cd /tmp/autograder && zip -r ../autograder.zip . -x 'node_modules/*'
# and upload autograder.zip in the assignment's "Configure Autograder" page.
set -euo pipefail

cd "$(dirname "$0")"   # /autograder/source: the zip's contents

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 24 ]; then
  apt-get update
  apt-get install -y ca-certificates curl gnupg
  mkdir -p /etc/apt/keyrings
  curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg
  echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_24.x nodistro main" > /etc/apt/sources.list.d/nodesource.list
  apt-get update
  apt-get install -y nodejs
fi
node --version

npm ci --no-audit --no-fund
