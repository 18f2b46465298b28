# The docker executor's faults: an interrupt, a timeout and a killed mbhost
# leave no container (the next run removes what a killed one left); a
# missing image, an engine that is not running and a bad TLS certificate
# are each a clear error, exit 1 or 2, with nothing in the output folder.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/docker/engines.sh"

start_engine faults
SOCK=$ENGINE_SOCK
TAG=$(go_tag)
build_go_image "$SOCK" "$TAG"
export DOCKER_HOST="unix://$SOCK"

src=$(copy_fixture hello-go)
dist="$T/dist"
# write_ini EXTRA...: the example with the docker executor, plus lines.
write_ini() {
  {
    printf '[project]\nname = hello\nsource = %s\noutput = %s\n' "$src" "$dist"
    printf '[matrix]\nos = linux, darwin\narch = amd64, arm64\n'
    printf '[toolchain]\nuse = go\n[executor]\nuse = docker\n'
    printf '[executor.docker]\nhost = unix://%s\n' "$SOCK"
    printf '%s\n' "$@"
  } >"$T/build.ini"
}
no_output() { [ ! -e "$dist" ] || fail "$1 left $(ls -A "$dist")"; }

# wait_for_container: until a step's container exists (its first build
# compiles Go's standard library: it runs long enough to be interrupted).
wait_for_container() {
  for _ in $(seq 600); do
    [ "$(containers "$SOCK" mbhost.target)" -gt 0 ] && return 0
    kill -0 "$1" 2>/dev/null || fail "mbhost ended before a container started: $(cat "$T/run.log")"
    sleep 0.1
  done
  fail "no container started"
}

write_ini
# Ctrl-C: every container is stopped and removed before mbhost exits.
"$MBHOST" -c "$T/build.ini" -j 2 >"$T/run.log" 2>&1 &
pid=$!
wait_for_container $pid
kill -INT $pid
rc=0; wait $pid || rc=$?
[ "$rc" = 130 ] || fail "interrupted run exited $rc: $(cat "$T/run.log")"
[ "$(containers "$SOCK")" = 0 ] || fail "an interrupt left containers: $("$DOCKER" ps -a --filter label=mbhost=1)"
no_output "an interrupt"
pass "interrupt: exit 130, no container left"

# SIGKILL: the containers stay until the next run, which removes them.
"$MBHOST" -c "$T/build.ini" -j 2 >"$T/run.log" 2>&1 &
pid=$!
wait_for_container $pid
kill -KILL $pid
wait $pid || true
[ "$(containers "$SOCK")" -gt 0 ] || fail "no container to clean up after SIGKILL"

# [project] timeout: the target is timed_out, its container removed; this
# run first removes what the killed one left.
write_ini '[target linux/amd64]' 'env = X=1'
run_mbhost 1 -c "$T/build.ini" -j 2 --set project.timeout=2s -k
expect_output "removed [0-9]+ containers? left by an mbhost run that was killed"
expect_output "timed out after 2s"
[ "$(containers "$SOCK")" = 0 ] || fail "a timeout left containers: $("$DOCKER" ps -a --filter label=mbhost=1)"
pass "SIGKILL: strays removed by the next run; timeout: timed_out, no container left"

# A missing image: what to do about it, exit 1, nothing built.
rm -rf "$dist"
write_ini 'image = mbhost-test/nosuch:1'
sed -i 's/^use = go$/use = go\nimage = mbhost-test\/nosuch:1/' "$T/build.ini"
sed -i '$d' "$T/build.ini"
run_mbhost 1 -c "$T/build.ini"
expect_output "image mbhost-test/nosuch:1 is not on the Docker engine at unix://$SOCK: build or load it"
expect_output "pull = missing"
no_output "a missing image"
pass "missing image: clear error, exit 1"

# No engine at that socket.
write_ini
sed -i "s|^host = .*|host = unix://$T/nothing.sock|" "$T/build.ini"
run_mbhost 1 -c "$T/build.ini"
expect_output "cannot reach the Docker engine at unix://$T/nothing.sock: .*is dockerd running"
no_output "a stopped engine"
pass "stopped engine: clear error, exit 1"

# A bad certificate: a TLS engine (its own dockerd on 127.0.0.1) and a
# client whose certificate another CA signed, or whose CA bundle is not
# the one that signed the engine's certificate.
make_certs "$T/tls" mbhost-test-ca
make_certs "$T/badtls" some-other-ca
port=$(free_port)
start_tls_engine tls "$port" "$T/tls"
tls_ini() {
  write_ini
  sed -i "s|^host = .*|host = tcp://127.0.0.1:$port|" "$T/build.ini"
  printf 'tls_ca = %s\ntls_cert = %s\ntls_key = %s\n' "$1" "$2" "$3" >>"$T/build.ini"
}
# The right certificates reach it (so what fails below is the certificate).
tls_ini "$T/tls/ca.pem" "$T/tls/cert.pem" "$T/tls/key.pem"
run_mbhost 1 -c "$T/build.ini"
expect_output "image golang:.* is not on the Docker engine at tcp://127.0.0.1:$port"
no_output "an engine without the image"
tls_ini "$T/tls/ca.pem" "$T/badtls/cert.pem" "$T/badtls/key.pem"
run_mbhost 1 -c "$T/build.ini"
# The engine drops the connection (a "bad certificate" alert); what
# libcurl says about it varies with timing, the diagnosis does not.
expect_output "TLS with the Docker engine at tcp://127.0.0.1:$port failed: .*is tls_cert a client certificate"
no_output "a client certificate of another CA"
tls_ini "$T/badtls/ca.pem" "$T/tls/cert.pem" "$T/tls/key.pem"
run_mbhost 1 -c "$T/build.ini"
expect_output "TLS with the Docker engine at tcp://127.0.0.1:$port failed: .*certificate problem"
no_output "a CA that did not sign the engine's certificate"
# A missing certificate file is a configuration error.
sed -i "s|^tls_ca = .*|tls_ca = $T/badtls/nothing.pem|" "$T/build.ini"
run_mbhost 2 -c "$T/build.ini"
expect_output "tls_ca"
no_output "a missing certificate"
pass "bad or missing certificate: clear error, exit 1 or 2"
