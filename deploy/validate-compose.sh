#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine: `docker-compose config` parses the file,
# checks it against the Compose schema and resolves every ${...} variable. Installs Debian's
# docker-compose package when the command is missing (CI runs as root on Debian).
# The required secrets get dummy values here: validation only, nothing runs.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker-compose > /dev/null 2>&1; then
    echo "docker-compose not found: installing Debian's docker-compose package" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq docker-compose > /dev/null
fi

# An .env the developer keeps at the root must not change what CI validates: point at an empty one.
empty_env="$(mktemp)"
trap 'rm -f "$empty_env"' EXIT

env -u ROSTER_SIGNING_KEY_PEM \
    ROSTER_TOKEN_ENCRYPTION_KEY=validation-only-not-a-key \
    ROSTER_BOOTSTRAP_ADMIN_PASSWORD=validation-only \
    docker-compose --env-file "$empty_env" -f docker-compose.yml config -q
echo "docker-compose.yml: valid ($(docker-compose version --short 2>/dev/null || docker-compose --version))"

# The required variables really are required: without them the file must be refused.
if env -u ROSTER_TOKEN_ENCRYPTION_KEY -u ROSTER_BOOTSTRAP_ADMIN_PASSWORD \
        docker-compose --env-file "$empty_env" -f docker-compose.yml config -q > /dev/null 2>&1; then
    echo "docker-compose.yml: accepted without ROSTER_TOKEN_ENCRYPTION_KEY / ROSTER_BOOTSTRAP_ADMIN_PASSWORD; they must be required" >&2
    exit 1
fi
echo "docker-compose.yml: refuses to start without the required secrets"
