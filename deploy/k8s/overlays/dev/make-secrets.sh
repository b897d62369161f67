#!/usr/bin/env bash
# Writes the dev overlay's secret files under secrets/ (ignored by git), keeping any that
# exist: the gateway↔services identity key, a token key pair "dev-1" (the gateway gets the
# public key; keys/ is laid out as `tongban token` expects, so
# `TONGBAN_VAR_DIR=deploy/k8s/overlays/dev/secrets tongban token clerk-gaogou` signs with the
# private one), and the trial PostgreSQL's password with the database URL that uses it.
set -euo pipefail
cd "$(dirname "$0")"
umask 077
mkdir -p secrets/keys/private secrets/keys/public

random() { head -c 32 /dev/urandom | base64 | tr -d '/+=\n'; }

[[ -s secrets/internal.key ]] || random >secrets/internal.key
if [[ ! -s secrets/keys/private/dev-1.pem ]]; then
    openssl genpkey -algorithm ed25519 -out secrets/keys/private/dev-1.pem
    openssl pkey -in secrets/keys/private/dev-1.pem -pubout -out secrets/keys/public/dev-1.pem
fi
if [[ ! -s secrets/postgresql-password ]]; then
    random >secrets/postgresql-password
    printf 'postgresql+psycopg://tongban:%s@postgresql:5432/tongban_{service}' \
        "$(cat secrets/postgresql-password)" >secrets/database-url
fi
