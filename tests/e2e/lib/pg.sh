# PostgreSQL for the sdcd end-to-end scripts; source it after lib/sdcd.sh.
# The cluster is SDC_TEST_PG (scripts/pg-test-cluster.sh start). Without it a
# script is skipped (exit 77), unless SDC_REQUIRE_PG=1, when it fails.
#   unavailable WHY            skip, or fail when PostgreSQL is required
#   pg_require [COMMAND...]    SDC_TEST_PG, psql and each COMMAND, or unavailable
#   pg_new_database VAR [TAG]  a fresh database: VAR gets its conninfo,
#                              pg_name its name; dropped when the script ends
pg_admin="${SDC_TEST_PG:-} dbname=postgres"
pg_databases=()
pg_name=""
unavailable() {
  if [ "${SDC_REQUIRE_PG:-}" = 1 ]; then
    echo "FAIL required (SDC_REQUIRE_PG=1) but unavailable: $1"
    exit 1
  fi
  echo "SKIP unavailable: $1"
  exit 77
}
pg_require() {
  [ -n "${SDC_TEST_PG:-}" ] ||
    unavailable "SDC_TEST_PG is not set (start a cluster with scripts/pg-test-cluster.sh start)"
  command -v psql > /dev/null || unavailable "psql is not installed (package postgresql-client)"
  local c
  for c in "$@"; do command -v "$c" > /dev/null || unavailable "$c is not installed"; done
}
pg_new_database() {
  pg_name="sdc_${2:-e2e}_$$_${RANDOM}"
  psql "$pg_admin" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $pg_name" > /dev/null 2> "$work/createdb.err" ||
    unavailable "cannot create a database on SDC_TEST_PG ($SDC_TEST_PG): $(cat "$work/createdb.err")"
  pg_databases+=("$pg_name")
  printf -v "$1" '%s' "$SDC_TEST_PG dbname=$pg_name"
}
pg_cleanup() {
  local d
  for d in "${pg_databases[@]}"; do
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $d WITH (FORCE)" > /dev/null 2>&1 || true
  done
}
