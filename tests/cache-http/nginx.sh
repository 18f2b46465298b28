# The http cache store's test server: Debian's nginx (scripts/packages/
# cache-http.txt) with WebDAV PUT, started by the test as a plain process
# on 127.0.0.1 with its own prefix, config, logs, temporary folders and
# data under $T/nginx (no system service). Source after tests/lib.sh.
#
# start_nginx TOKEN USER PASSWORD: serves, under $NGINX_URL,
#   /open/    anyone may GET, HEAD and PUT
#   /basic/   the same with basic auth: USER and PASSWORD (htpasswd made
#             with `openssl passwd`)
#   /bearer/  the same with "Authorization: Bearer TOKEN"
#   /broken/  every request answers 503
# Objects are files under $NGINX_DATA (e.g. $NGINX_DATA/open/cas/SHA256);
# $NGINX_LOG has one line per request: "METHOD URI STATUS CONTENT-TYPE ACCEPT".
# stop_nginx stops it (a server that is down).

NGINX_PID=
NGINX_BIN=$(command -v nginx || command -v /usr/sbin/nginx || true)
[ -n "$NGINX_BIN" ] || fail "nginx is not installed: run scripts/setup.sh --test"

nginx_cleanup() {
  stop_nginx
  rm -rf "$T"
}
trap nginx_cleanup EXIT

# free_port: a TCP port nothing listens on now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_nginx() {
  local token=$1 user=$2 password=$3 dir="$T/nginx" port i
  port=$(free_port)
  mkdir -p "$dir/data/open" "$dir/data/basic" "$dir/data/bearer" "$dir/tmp"
  printf '%s:%s\n' "$user" "$(openssl passwd -apr1 "$password")" >"$dir/htpasswd"
  # One process that stays in the foreground as the user who started it
  # (a master running as root would hand the work to an unprivileged
  # worker that cannot write into $T).
  cat >"$dir/nginx.conf" <<CONF
daemon off;
master_process off;
pid $dir/nginx.pid;
error_log $dir/error.log info;
events { worker_connections 64; }
http {
  log_format mbhost '\$request_method \$uri \$status \$content_type \$http_accept';
  access_log $dir/access.log mbhost;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port;
    root $dir/data;
    client_max_body_size 0;
    dav_methods PUT;
    create_full_put_path on;
    location /open/ { }
    location /basic/ {
      auth_basic "mbhost cache";
      auth_basic_user_file $dir/htpasswd;
    }
    location /bearer/ {
      if (\$http_authorization != "Bearer $token") { return 401; }
    }
    location /broken/ { return 503; }
  }
}
CONF
  "$NGINX_BIN" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" \
    >"$dir/stdout.log" 2>&1 &
  NGINX_PID=$!
  NGINX_URL="http://127.0.0.1:$port"
  NGINX_DATA="$dir/data"
  NGINX_LOG="$dir/access.log"
  for i in $(seq 1 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$NGINX_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$dir/error.log" "$dir/stdout.log" >&2 || true
  fail "nginx did not start on 127.0.0.1:$port"
}

stop_nginx() {
  [ -n "$NGINX_PID" ] || return 0
  kill "$NGINX_PID" 2>/dev/null || true
  wait "$NGINX_PID" 2>/dev/null || true
  NGINX_PID=
}
