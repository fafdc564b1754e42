#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests (see shared/ENVIRONMENT.md).
#
#   source scripts/pg-throwaway.sh   # starts it, exports PAIRGATE_TEST_DATABASE_URL,
#                                    # defines pg_throwaway_stop (also run on shell EXIT)
#   scripts/pg-throwaway.sh          # starts it and prints the export line and the stop command
#
# fsync=off and friends: test clusters only. Works as root (runs the server as user postgres).

_pg_throwaway_main() {
  local pgbin
  if [[ -n "${PGBIN:-}" && -x "${PGBIN}/initdb" ]]; then
    pgbin=$PGBIN
  else
    pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  fi
  if [[ -z "$pgbin" || ! -x "$pgbin/initdb" || ! -x "$pgbin/pg_ctl" ]]; then
    echo "pg-throwaway: PostgreSQL server binaries not found (install: apt-get install -y postgresql)" >&2
    return 1
  fi

  local as_pg=()
  if [[ $(id -u) -eq 0 ]]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "pg-throwaway: running as root but there is no 'postgres' user to run the server" >&2
      return 1
    fi
    as_pg=(runuser -u postgres --)
  fi

  # A free port: ask the kernel, fall back to probing from 55432.
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || true)
  if [[ -z "$port" ]]; then
    port=55432
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
      port=$((port + 1))
      if ((port > 55532)); then echo "pg-throwaway: no free port found" >&2; return 1; fi
    done
  fi

  local data sock
  data=$(mktemp -d /tmp/pg-throwaway-data.XXXXXX) || return 1
  sock=$(mktemp -d /tmp/pg-throwaway-sock.XXXXXX) || return 1
  if [[ ${#as_pg[@]} -gt 0 ]]; then chown postgres:postgres "$data" "$sock" || return 1; fi
  chmod 700 "$data"

  if ! "${as_pg[@]}" "$pgbin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale >"$data.initdb.log" 2>&1; then
    echo "pg-throwaway: initdb failed:" >&2; cat "$data.initdb.log" >&2; return 1
  fi
  rm -f "$data.initdb.log"
  if ! "${as_pg[@]}" "$pgbin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 \
      -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null; then
    echo "pg-throwaway: pg_ctl start failed:" >&2; cat "$data/server.log" >&2; return 1
  fi
  if ! "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE pairgate_test;" >/dev/null; then
    echo "pg-throwaway: CREATE DATABASE failed" >&2
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1
    return 1
  fi

  PG_THROWAWAY_BIN=$pgbin
  PG_THROWAWAY_DATA=$data
  PG_THROWAWAY_SOCK=$sock
  PG_THROWAWAY_PORT=$port
  export PAIRGATE_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/pairgate_test"
}

pg_throwaway_stop() {
  [[ -n "${PG_THROWAWAY_DATA:-}" && -d "$PG_THROWAWAY_DATA" ]] || return 0
  local as_pg=()
  [[ $(id -u) -eq 0 ]] && as_pg=(runuser -u postgres --)
  "${as_pg[@]}" "$PG_THROWAWAY_BIN/pg_ctl" -D "$PG_THROWAWAY_DATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_THROWAWAY_DATA" "$PG_THROWAWAY_SOCK"
  unset PG_THROWAWAY_DATA PG_THROWAWAY_SOCK PG_THROWAWAY_PORT PAIRGATE_TEST_DATABASE_URL
}

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  # Sourced: start, export, and stop when the sourcing shell exits.
  if _pg_throwaway_main; then
    # Don't clobber a caller's EXIT trap; then the caller runs pg_throwaway_stop itself.
    if [[ -z "$(trap -p EXIT)" ]]; then
      trap pg_throwaway_stop EXIT
    else
      echo "pg-throwaway: an EXIT trap is already set; call pg_throwaway_stop from it" >&2
    fi
    echo "pg-throwaway: PostgreSQL on 127.0.0.1:$PG_THROWAWAY_PORT; PAIRGATE_TEST_DATABASE_URL exported (pg_throwaway_stop to stop)" >&2
  else
    echo "pg-throwaway: FAILED to start PostgreSQL" >&2
    return 1
  fi
else
  # Executed: start, print how to use and how to stop; the cluster keeps running.
  set -euo pipefail
  _pg_throwaway_main || { echo "pg-throwaway: FAILED to start PostgreSQL" >&2; exit 1; }
  echo "export PAIRGATE_TEST_DATABASE_URL=$PAIRGATE_TEST_DATABASE_URL"
  echo "# stop: ${PG_THROWAWAY_BIN}/pg_ctl -D $PG_THROWAWAY_DATA -m fast stop  (as user postgres); rm -rf $PG_THROWAWAY_DATA $PG_THROWAWAY_SOCK"
fi
