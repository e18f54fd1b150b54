#!/bin/sh
# The `backup` service (docker-compose.yml): a pg_dump -Fc of the database (PGHOST, PGDATABASE,
# PGUSER, PGPASSWORD) and a tar of the uploads, once at start and then every night at BACKUP_HOUR
# (local time, TZ), into BACKUP_DIR; files older than BACKUP_KEEP_DAYS days are deleted.
# Copy BACKUP_DIR (the `backups` volume) off the machine. BACKUP_ONCE=1 makes one backup and exits.
set -eu
: "${BACKUP_HOUR:=3}" "${BACKUP_KEEP_DAYS:=14}" "${BACKUP_DIR:=/backups}" "${UPLOAD_DIR:=/uploads}"

backup() {
    stamp=$(date +%Y%m%d-%H%M%S)
    find "$BACKUP_DIR" -name '*.part' -delete
    pg_dump -Fc --file="$BACKUP_DIR/zeren-$stamp.dump.part" || return 1
    mv "$BACKUP_DIR/zeren-$stamp.dump.part" "$BACKUP_DIR/zeren-$stamp.dump"
    tar -czf "$BACKUP_DIR/uploads-$stamp.tar.gz.part" -C "$UPLOAD_DIR" . || return 1
    mv "$BACKUP_DIR/uploads-$stamp.tar.gz.part" "$BACKUP_DIR/uploads-$stamp.tar.gz"
    find "$BACKUP_DIR" \( -name 'zeren-*.dump' -o -name 'uploads-*.tar.gz' \) -mtime "+$BACKUP_KEEP_DAYS" -delete
    echo "backup $stamp: $BACKUP_DIR/zeren-$stamp.dump, $BACKUP_DIR/uploads-$stamp.tar.gz"
}

if [ "${BACKUP_ONCE:-0}" = 1 ]; then
    backup
    exit
fi
backup || echo "backup failed" >&2
while true; do
    now=$(date +%s)
    next=$(date -d "today $BACKUP_HOUR:00" +%s)
    [ "$next" -gt "$now" ] || next=$(date -d "tomorrow $BACKUP_HOUR:00" +%s)
    sleep $((next - now))
    backup || echo "backup failed" >&2
done
