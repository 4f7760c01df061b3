#!/usr/bin/env bash
# Writes the development secrets the dev overlay's secretGenerator reads, into
# k8s/overlays/dev/secrets/ (git-ignored). Existing files are kept, so re-running changes nothing;
# delete the folder to start over. Needs openssl.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
mkdir -p "$dir"
chmod 700 "$dir"
umask 077

write() { # name, command producing the value (no trailing newline is written)
    local file="$dir/$1"
    if [[ ! -e "$file" ]]; then
        printf '%s' "$(eval "$2")" > "$file"
        echo "wrote $file"
    fi
}

# RS256 signing key of the identity service, PKCS#8 PEM
if [[ ! -e "$dir/signing-key.pem" ]]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/signing-key.pem" 2> /dev/null
    echo "wrote $dir/signing-key.pem"
fi
# keys published beside it during a rotation: none
write verification-keys.pem 'true'
# AES-256 key (base64) sealing invitation and verification tokens
write token-encryption-key 'openssl rand -base64 32'
# the development MongoDB of mongodb.yaml: no credentials
write mongodb-uri 'echo "mongodb://mongo-0.mongo:27017/?replicaSet=rs0"'
write bootstrap-admin-password 'openssl rand -base64 18'
# Mailpit accepts mail without authentication
write smtp-username 'true'
write smtp-password 'true'
echo "bootstrap admin password: $dir/bootstrap-admin-password"
