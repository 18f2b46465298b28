# Rust cross builds for real, with a second Rust installation: Debian's
# rustc and cargo (`cargo = /usr/bin/cargo`; rustup's stay first in PATH),
# Debian's standard libraries for arm64 and windows, and zig as the linker
# (`linker = zig`). A crate with a dependency from crates.io (vendored by
# scripts/setup.d/rust-cross.sh, so the build is offline) builds for
# linux/arm64 and windows/amd64; `file` agrees, and the arm64 binary runs
# under qemu. Then the hints for targets without their std or linker, and
# a cargo that does not exist.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

cache="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}"
vendor="$cache/rust-vendor"
[ -x /usr/bin/cargo ] && [ -f "$vendor/itoa-1.0.9/.cargo-checksum.json" ] ||
  fail "no Debian cargo or vendored crate: run scripts/setup.sh --test"

# zig as the plugin finds it: PATH, else pip's ziglang (the venv that
# scripts/setup.d/zig.sh installs, first in PATH as a user's would be).
if ! command -v zig >/dev/null 2>&1; then
  for venv in "$cache"/zig-*/bin; do
    [ -x "$venv/python3" ] && export PATH="$venv:$PATH"
  done
  python3 -c 'import ziglang' 2>/dev/null || fail "no zig: run scripts/setup.sh --test"
fi
# zig keeps what it builds for each target (libc stubs, compiler-rt, mingw's
# C library: minutes) under XDG_CACHE_HOME, which lib.sh made private: use
# the tests' zig cache, which scripts/setup.d/zig.sh filled.
export ZIG_GLOBAL_CACHE_DIR=$(bash "$MBHOST_SOURCE_DIR/scripts/setup.d/zig.sh" --cache-dir)

# rustup's toolchain is still the default: Debian's packages did not take
# PATH over.
if command -v rustup >/dev/null 2>&1; then
  [ "$(command -v rustc)" = "$(dirname "$(command -v rustup)")/rustc" ] ||
    fail "rustc in PATH is $(command -v rustc), not rustup's"
  pass "rustup's rustc stays first in PATH: $(rustc --version)"
fi

src=$(copy_fixture rust-itoa)
mkdir "$src/.cargo"
printf '[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "%s"\n' \
  "$vendor" > "$src/.cargo/config.toml"
export CARGO_NET_OFFLINE=true
cat > "$T/build.ini" <<INI
[project]
name   = hello
source = rust-itoa
output = out

[matrix]
os      = linux, windows
arch    = amd64, arm64
exclude = linux/amd64, windows/arm64

[toolchain]
use   = rust
cargo = /usr/bin/cargo

[target linux/arm64]
linker = zig

[target windows/amd64]
linker = zig
INI

run_mbhost 0 --config "$T/build.ini" --dry-run
expect_output 'RUSTC=/usr/bin/rustc'
expect_output 'MBHOST_ZIG_TARGET=aarch64-linux-gnu'
expect_output 'MBHOST_ZIG_TARGET=x86_64-windows-gnu'
pass "cargo = /usr/bin/cargo brings the rustc beside it; zig is the linker"

run_mbhost 0 --config "$T/build.ini"
arm="$T/out/linux/arm64/hello-itoa"
exe="$T/out/windows/amd64/hello-itoa.exe"
file -b "$arm" | grep -q 'ELF 64-bit LSB.*ARM aarch64' || fail "linux/arm64: $(file -b "$arm")"
file -b "$exe" | grep -q 'PE32+ executable.*x86-64' || fail "windows/amd64: $(file -b "$exe")"
[ "$(qemu-aarch64-static -L /usr/aarch64-linux-gnu "$arm")" = "hello from aarch64 42" ] ||
  fail "the arm64 binary printed: $(qemu-aarch64-static -L /usr/aarch64-linux-gnu "$arm" 2>&1)"
# Debian's std keeps its source paths (/usr/src/rustc-VERSION) in panic
# messages; rustup's says /rustc/<commit>: Debian's rustc built it.
debian=$(/usr/bin/rustc --version | cut -d' ' -f2)
for binary in "$arm" "$exe"; do
  grep -qa "/usr/src/rustc-$debian/library" "$binary" ||
    fail "$binary was not built with Debian's rustc $debian"
done
pass "Debian's rustc $debian with zig: linux/arm64 (runs under qemu) and windows/amd64"

# Hints: a target whose std Debian's rustc lacks names the package (and
# the architecture to add), darwin names the std and zig as its linker.
sed -i 's|^exclude .*|&\ninclude = linux/riscv64, darwin/arm64|' "$T/build.ini"
run_mbhost 1 --config "$T/build.ini" --dry-run
expect_output 'rust target riscv64gc-unknown-linux-gnu is not installed: install the Debian package libstd-rust-dev:riscv64 \(after `dpkg --add-architecture riscv64` and `apt-get update`\)'
expect_output "rust target aarch64-apple-darwin is not installed, and Debian has no package of it for the rustc in /usr: use rustup's rustc .*it links with zig: install it \(e.g. \`pip install ziglang\`\) and set \`linker = zig\` in \[target darwin/arm64\]"
pass "hints name Debian's std package, or rustup's, and zig as the linker"

sed -i 's|^cargo .*|cargo = /no/such/cargo|' "$T/build.ini"
run_mbhost 2 --config "$T/build.ini" --dry-run
expect_output 'build.ini:[0-9]+: cargo: `/no/such/cargo` is not a program'
pass "a cargo that does not exist is a config error at its line"
