#!/bin/sh
# Installs the optional ODBC drivers of the image (docker/Dockerfile's build arguments):
#   $1  MSODBCSQL: Microsoft ODBC Driver for SQL Server, e.g. 18 (accepts Microsoft's EULA)
#   $2  ORACLE_INSTANTCLIENT: Oracle Instant Client version, e.g. 21.13.0.0.0 (accepts Oracle's
#       license; registers "Oracle <major> ODBC driver")
# With neither, it does nothing. The download tools are purged afterwards, so the layer holds
# only the drivers.
set -eu
msodbcsql=${1:-}
oracle=${2:-}
[ -z "$msodbcsql$oracle" ] && exit 0

tools="curl gnupg unzip"
apt-get update
apt-get install -y --no-install-recommends $tools

if [ -n "$msodbcsql" ]; then
  curl -fsSL https://packages.microsoft.com/keys/microsoft.asc \
    | gpg --dearmor -o /usr/share/keyrings/microsoft.gpg
  echo "deb [signed-by=/usr/share/keyrings/microsoft.gpg] https://packages.microsoft.com/debian/12/prod bookworm main" \
    > /etc/apt/sources.list.d/microsoft.list
  apt-get update
  ACCEPT_EULA=Y apt-get install -y --no-install-recommends "msodbcsql$msodbcsql"
fi

if [ -n "$oracle" ]; then
  apt-get install -y --no-install-recommends libaio1
  major=${oracle%%.*}
  dir=/opt/oracle
  mkdir -p "$dir"
  cd "$dir"
  base="https://download.oracle.com/otn_software/linux/instantclient/$(echo "$oracle" | tr -d .)"
  # Oracle names the files of some releases with a "dbru" suffix (21.13.0.0.0dbru).
  for part in basiclite odbc; do
    curl -fsSLO "$base/instantclient-$part-linux.x64-$oracle.zip" \
      || curl -fsSLO "$base/instantclient-$part-linux.x64-${oracle}dbru.zip"
    unzip -oq instantclient-$part-linux.x64-*.zip
    rm -f instantclient-$part-linux.x64-*.zip
  done
  ic=$(ls -d "$dir"/instantclient_*)
  echo "$ic" > /etc/ld.so.conf.d/oracle-instantclient.conf
  ldconfig
  (cd "$ic" && ./odbc_update_ini.sh / "$ic" "Oracle $major ODBC driver")
fi

apt-get purge -y --auto-remove $tools
rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt/* /var/log/dpkg.log
