#!/usr/bin/env bash
# Makes sure the local MariaDB answers at 127.0.0.1:3306: installs it where missing, starts it when down.
# Does nothing when DATABASE_URL names another host.
set -euo pipefail
url="${DATABASE_URL:-mysql://root@127.0.0.1:3306/appraisal_supervision}"
case "$url" in
  *@127.0.0.1:*|*@127.0.0.1/*|*@localhost:*|*@localhost/*) ;;
  *) echo "MySQL: using DATABASE_URL's server as it is" >&2; exit 0 ;;
esac
ping() { mysqladmin --protocol=tcp -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; }
if ping; then exit 0; fi
if [ ! -x /usr/sbin/mariadbd ]; then
  echo "MySQL: installing mariadb-server" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq mariadb-server >&2
fi
echo "MySQL: starting MariaDB" >&2
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
for _ in $(seq 1 60); do
  if ping; then echo "MySQL: up" >&2; exit 0; fi
  sleep 0.5
done
echo "MySQL: MariaDB did not answer at 127.0.0.1:3306 within 30 s" >&2
exit 1
