# Rust: the host's target builds with cargo and runs; a target whose
# standard library is not installed is refused with the exact
# `rustup target add` command; with --keep-going the host's target still
# arrives and the exit code is 1. Then features, profiles and a missing
# linker.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

host_triple=$(rustc -vV | sed -n 's/^host: //p')
[ "$host_triple" = x86_64-unknown-linux-gnu ] ||
  fail "this test expects an x86_64 Linux host, not $host_triple"

# linux/arm64's usual triple, unless its std is installed here: then a
# triple whose std is not (the test never installs one).
installed=$(rustup target list --installed 2>/dev/null || true)
missing=""
for candidate in aarch64-unknown-linux-gnu riscv64gc-unknown-linux-gnu \
                 s390x-unknown-linux-gnu; do
  if ! grep -qx "$candidate" <<<"$installed"; then missing=$candidate; break; fi
done
[ -n "$missing" ] || fail "every candidate Rust target is installed"

src=$(copy_fixture hello-rust)
before=$(tree_digest "$src")
cat > "$T/build.ini" <<INI
[project]
name   = hello
source = hello-rust
output = out

[matrix]
os   = linux
arch = amd64, arm64

[toolchain]
use = rust

[target linux/arm64]
triple = $missing
INI

run_mbhost 1 --config "$T/build.ini"
expect_output "linux/arm64.*rust target $missing is not installed: run \`rustup target add $missing\`"
[ ! -e "$T/out" ] || fail "something was written although linux/arm64 is unsupported"
pass "a target without its standard library is refused with the rustup hint"

run_mbhost 1 --config "$T/build.ini" --keep-going
file -b "$T/out/linux/amd64/hello" | grep -q 'ELF 64-bit.*x86-64' ||
  fail "linux/amd64: $(file -b "$T/out/linux/amd64/hello")"
[ "$("$T/out/linux/amd64/hello")" = "hello-rust linux/x86_64" ] ||
  fail "linux/amd64 printed: $("$T/out/linux/amd64/hello")"
python3 - "$T/out/artifacts.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
status = {t["target"]: t["status"] for t in report["targets"]}
assert status == {"linux/amd64": "ok", "linux/arm64": "unsupported"}, status
assert [(a["target"], a["name"]) for a in report["artifacts"]] == \
    [("linux/amd64", "hello")], report["artifacts"]
assert report["exit_code"] == 1
PY
[ ! -e "$T/out/linux/arm64" ] || fail "linux/arm64 left files"
pass "with --keep-going linux/amd64 builds, runs and is exported; exit 1"

[ "$(tree_digest "$src")" = "$before" ] || fail "cargo wrote into the source folder"
pass "cargo's target folder lives outside the source"

# Features and a non-release profile reach cargo; the binary comes from
# the profile's own folder (dev -> debug).
cat > "$T/dev.ini" <<INI
[project]
name   = hello
source = hello-rust
output = out-dev

[matrix]
os   = linux
arch = amd64

[toolchain]
use      = rust
profile  = dev
features = shout
bin      = hello
env      = CARGO_INCREMENTAL=0
INI
run_mbhost 0 --config "$T/dev.ini" --dry-run
expect_output 'cargo build --profile dev --target x86_64-unknown-linux-gnu --bin hello --features shout'
expect_output '<- \{scratch\}/target/x86_64-unknown-linux-gnu/debug/hello'
run_mbhost 0 --config "$T/dev.ini"
[ "$("$T/out-dev/linux/amd64/hello")" = "HELLO-RUST LINUX/X86_64" ] ||
  fail "the dev build printed: $("$T/out-dev/linux/amd64/hello")"
pass "profile, features and bin reach cargo"

# A linker that does not exist is refused before anything runs.
printf 'linker = no-such-linker-anywhere\n' >> "$T/dev.ini"
run_mbhost 1 --config "$T/dev.ini"
expect_output 'linker no-such-linker-anywhere for linux/amd64 not found'
pass "a missing linker is reported at plan time"

# A package without Cargo.toml is a clear error.
mkdir "$T/empty"
sed -e 's/^source .*/source = empty/' -e '/^bin /d' -e '/^linker /d' "$T/dev.ini" > "$T/empty.ini"
run_mbhost 1 --config "$T/empty.ini"
expect_output "no Cargo.toml in $T/empty"
pass "a source folder without Cargo.toml is refused"

# A broken Cargo.toml: the error carries cargo's own explanation.
printf '[package\nname = "broken"\n' > "$T/empty/Cargo.toml"
run_mbhost 1 --config "$T/empty.ini"
expect_output 'cargo metadata` failed with status [0-9]+: error: unclosed table'
pass "cargo's own error is shown when cargo metadata fails"
