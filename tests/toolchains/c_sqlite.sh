# A real-world program with mode = sources alone: SQLite's command-line
# shell, from its amalgamation (sqlite3.c + shell.c, fetched by
# scripts/setup.d/toolchains.sh), built for linux/amd64 and linux/arm64
# with `sources`, `cflags`, `libs` and `binary` only, then used for real
# natively and under qemu.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

sqlite="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/sqlite-3520000"
if [ ! -f "$sqlite/.complete" ]; then
  bash "$MBHOST_SOURCE_DIR/scripts/setup.d/toolchains.sh" ||
    fail "no SQLite sources in $sqlite: run scripts/setup.sh --test"
fi

cat > "$T/build.ini" <<INI
[project]
name   = sqlite
source = $sqlite
output = out

[matrix]
os   = linux
arch = amd64, arm64

[toolchain]
use     = c
sources = sqlite3.c, shell.c
cflags  = -O1
libs    = m
binary  = sqlite3
INI

run_mbhost 0 --config "$T/build.ini" -j 2
file -b "$T/out/linux/amd64/sqlite3" | grep -q 'ELF 64-bit.*x86-64' ||
  fail "linux/amd64: $(file -b "$T/out/linux/amd64/sqlite3")"
file -b "$T/out/linux/arm64/sqlite3" | grep -q 'ELF 64-bit.*ARM aarch64' ||
  fail "linux/arm64: $(file -b "$T/out/linux/arm64/sqlite3")"
pass "sqlite3 builds for linux/amd64 and linux/arm64"

sql="create table t(n integer); insert into t values (19), (23);
select sqlite_version(), sum(n), 1 + 1 from t;"
want="3.52.0|42|2"
got=$("$T/out/linux/amd64/sqlite3" :memory: "$sql")
[ "$got" = "$want" ] || fail "linux/amd64 sqlite3 answered '$got', expected '$want'"
got=$(qemu-aarch64-static -L /usr/aarch64-linux-gnu "$T/out/linux/arm64/sqlite3" :memory: "$sql")
[ "$got" = "$want" ] || fail "linux/arm64 sqlite3 answered '$got', expected '$want'"
pass "both sqlite3 binaries answer SQL (natively and under qemu)"

# A file database written by one architecture is read by the other.
"$T/out/linux/amd64/sqlite3" "$T/db" "create table kv(k, v); insert into kv values ('arch', 'amd64');"
got=$(qemu-aarch64-static -L /usr/aarch64-linux-gnu "$T/out/linux/arm64/sqlite3" "$T/db" "select v from kv where k = 'arch';")
[ "$got" = amd64 ] || fail "arm64 read '$got' from the amd64 database"
pass "a database written on amd64 is read on arm64"
