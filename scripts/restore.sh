#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh: `scripts/restore.sh <file>` into
# RESTORE_DATABASE_URL, which must be an empty database (create it first; the server needs the
# `vector` extension available). Stops at the first error. Point DATABASE_URL at it afterwards;
# `npm run db:deploy` then applies any migration newer than the backup.
set -euo pipefail
file="${1:?usage: scripts/restore.sh <backup file>}"
: "${RESTORE_DATABASE_URL:?set RESTORE_DATABASE_URL to the empty database to restore into}"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$RESTORE_DATABASE_URL" "$file"
echo "restored $file"
