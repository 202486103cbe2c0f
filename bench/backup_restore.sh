#!/usr/bin/env bash
# The backup of docs/deploy.md, tested: fill a PostgreSQL database with the demo data, back it
# up with pg_dump (custom format), restore it into a fresh database with pg_restore, and compare
# the row count of every table and the schema version. Prints the figures; exits 1 on any
# difference. Both databases are dropped at the end.
#
#     bash bench/backup_restore.sh [postgresql://postgres@127.0.0.1:5432]
#
# Needs pg_dump, pg_restore and psql of the server's major version, and survey-app installed in
# .venv (or SURVEY_APP=/path/to/survey-app).
set -euo pipefail
cd "$(dirname "$0")/.."

SERVER="${1:-postgresql://postgres@127.0.0.1:5432}"
SURVEY_APP="${SURVEY_APP:-.venv/bin/survey-app}"
[ -x "$SURVEY_APP" ] || SURVEY_APP="$(command -v survey-app)"
SOURCE="survey_backup_source_$$"
TARGET="survey_backup_restored_$$"
WORK="$(mktemp -d)"
DUMP="$WORK/survey.dump"

cleanup() {
    psql "$SERVER/postgres" -qAtc "DROP DATABASE IF EXISTS $SOURCE" >/dev/null
    psql "$SERVER/postgres" -qAtc "DROP DATABASE IF EXISTS $TARGET" >/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

psql "$SERVER/postgres" -qAtc "CREATE DATABASE $SOURCE" >/dev/null
echo "== demo data into $SOURCE"
SURVEY_ENV=development SURVEY_INSTANCE_PATH="$WORK" \
    SURVEY_DATABASE_URL="postgresql+psycopg://${SERVER#postgresql://}/$SOURCE" \
    "$SURVEY_APP" demo --no-serve >/dev/null

echo "== backup"
start=$(date +%s.%N)
pg_dump --format=custom --no-owner --file="$DUMP" "$SERVER/$SOURCE"
dumped=$(date +%s.%N)
echo "pg_dump: $(stat -c %s "$DUMP") bytes in $(echo "$dumped - $start" | bc) s"

echo "== restore into $TARGET"
psql "$SERVER/postgres" -qAtc "CREATE DATABASE $TARGET" >/dev/null
pg_restore --no-owner --exit-on-error --dbname="$SERVER/$TARGET" "$DUMP"
restored=$(date +%s.%N)
echo "pg_restore: $(echo "$restored - $dumped" | bc) s"

# Exact counts of every table of the schema, one "table count" line each, sorted.
COUNT_SQL="
SELECT string_agg(format('SELECT %L AS t, count(*) AS n FROM %I', tablename, tablename),
                  ' UNION ALL ' ORDER BY tablename)
FROM pg_tables WHERE schemaname = 'public'"
counts() {
    local query
    query="$(psql "$SERVER/$1" -qAtc "$COUNT_SQL")"
    psql "$SERVER/$1" -qAt -F ' ' -c "$query ORDER BY t"
}
counts "$SOURCE" >"$WORK/source.txt"
counts "$TARGET" >"$WORK/target.txt"

echo "== rows per table (source = restored)"
column -t "$WORK/source.txt"
version() { psql "$SERVER/$1" -qAtc "SELECT version_num FROM alembic_version"; }
echo "schema version: $(version "$SOURCE") = $(version "$TARGET")"
if ! diff -u "$WORK/source.txt" "$WORK/target.txt" || [ "$(version "$SOURCE")" != "$(version "$TARGET")" ]; then
    echo "RESTORE DIFFERS FROM THE BACKED-UP DATABASE" >&2
    exit 1
fi
total=$(awk '{ s += $2 } END { print s }' "$WORK/source.txt")
echo "OK: $(wc -l <"$WORK/source.txt") tables, $total rows restored identically"
