#!/usr/bin/env bash
# Backs up the frontdesk database: `scripts/backup.sh [file]` (default
# frontdesk-<UTC timestamp>.dump) from DATABASE_URL, as a pg_dump custom-format archive
# (compressed, restorable table by table). Needs pg_dump of the server's major version or newer.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
out="${1:-frontdesk-$(date -u +%Y%m%dT%H%M%SZ).dump}"
pg_dump --format=custom --no-owner --no-privileges --file="$out" "$DATABASE_URL"
echo "backed up to $out ($(wc -c <"$out") bytes)"
