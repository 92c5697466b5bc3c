#!/usr/bin/env bash
# PostgreSQL image init: the smoke scenario's source and staging databases.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U postgres -c "create database s2s_smoke_src" -c "create database s2s_smoke_dst"
psql -v ON_ERROR_STOP=1 -U postgres -d s2s_smoke_src -f /init.sql
