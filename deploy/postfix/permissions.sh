#!/bin/sh
# The users and file modes of the Postfix recipe, as root, from the checkout
# (/opt/janela), after `flask --app app noc init-db` made the database; again
# after each run of a command as root that may create files in instance/.
#
# The group janela reads the settings (the secret key, passwords) and, for
# SQLite, reads and writes the database; nobody else does. The pipe runs as
# janela-mail; add the user that runs gunicorn and the worker to the group
# too (usermod -aG janela USER) and give its service UMask=0007.
set -eu
JANELA_GROUP=${JANELA_GROUP:-janela}
PIPE_USER=${PIPE_USER:-janela-mail}

getent group "$JANELA_GROUP" >/dev/null || groupadd --system "$JANELA_GROUP"
id -u "$PIPE_USER" >/dev/null 2>&1 ||
  useradd --system --gid "$JANELA_GROUP" --no-create-home --home-dir /nonexistent \
          --shell /usr/sbin/nologin "$PIPE_USER"

# The folder: entered and written by the group (SQLite writes -wal and -shm
# files beside the database); setgid, so what is made in it stays the group's.
chown root:"$JANELA_GROUP" instance
chmod 2770 instance
# The settings: the group reads them, nobody else (never world-readable).
chown root:"$JANELA_GROUP" instance/config.toml
chmod 640 instance/config.toml
# SQLite's database and the files beside it: the group reads and writes them.
for file in instance/*.db instance/*.db-wal instance/*.db-shm; do
  if [ -e "$file" ]; then
    chown root:"$JANELA_GROUP" "$file"
    chmod 660 "$file"
  fi
done
