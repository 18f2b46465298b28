# SQLite's shell (sources mode: sqlite3.c + shell.c, from
# scripts/setup.d/toolchains.sh) built with zig for linux, darwin and
# windows x amd64, arm64. `file` agrees for each; the linux ones answer SQL
# (arm64 under qemu). Six compiles of the 9 MB amalgamation: the slowest
# zig test, on its own with its own timeout.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/toolchains/zig_lib.sh"

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
os   = linux, darwin, windows
arch = amd64, arm64

[toolchain]
use     = c
cc      = zig
sources = sqlite3.c, shell.c
cflags  = -O1
libs    = m
binary  = sqlite3

; shell.c's Windows entry point is wmain (UTF-16 arguments), which mingw
; links to with -municode.
[target windows/amd64]
ldflags = -municode

[target windows/arm64]
ldflags = -municode
INI

run_mbhost 0 --config "$T/build.ini" -j 2
expect_file_kinds "$T/out" sqlite3 "${!zig_file[@]}"
pass "sqlite3 builds for six targets with zig; file agrees"

sql="create table t(n integer); insert into t values (19), (23);
select sqlite_version(), sum(n), 1 + 1 from t;"
want="3.52.0|42|2"
got=$("$T/out/linux/amd64/sqlite3" :memory: "$sql")
[ "$got" = "$want" ] || fail "linux/amd64 sqlite3 answered '$got', expected '$want'"
got=$(qemu-aarch64-static -L /usr/aarch64-linux-gnu "$T/out/linux/arm64/sqlite3" :memory: "$sql")
[ "$got" = "$want" ] || fail "linux/arm64 sqlite3 answered '$got', expected '$want'"
pass "the linux sqlite3 binaries answer SQL (natively and under qemu)"
