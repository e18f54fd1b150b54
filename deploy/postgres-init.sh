#!/bin/sh
# Run by the postgres image on its first start (mounted into /docker-entrypoint-initdb.d/): creates
# the owner and application roles of deploy/app-role.sql with the passwords from .env.
# Safe to run again later (e.g. after a password change):
#   docker compose exec postgres sh /docker-entrypoint-initdb.d/10-zeren-roles.sh
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v db="$POSTGRES_DB" -v owner=zeren_owner -v app=zeren_app \
    -v owner_password="$ZEREN_OWNER_PASSWORD" -v app_password="$ZEREN_APP_PASSWORD" \
    -f /deploy/app-role.sql
