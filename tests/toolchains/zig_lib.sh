# Sourced by the zig tests after tests/lib.sh: zig from PyPI's ziglang in
# the venv scripts/setup.d/zig.sh made, found through that venv's python3
# (as a user's `pip install ziglang` is), and one zig global cache for
# every test run: it holds the C library zig builds once per target
# (mingw's takes minutes), which each test's fresh cache folder would
# otherwise build again, and which scripts/setup.d/zig.sh fills.
zig_venv=$(bash "$MBHOST_SOURCE_DIR/scripts/setup.d/zig.sh" --dir)
if [ ! -f "$zig_venv/.complete" ]; then
  bash "$MBHOST_SOURCE_DIR/scripts/setup.d/zig.sh" ||
    fail "no ziglang in $zig_venv: run scripts/setup.sh --test"
fi
export PATH="$zig_venv/bin:$PATH"
export ZIG_GLOBAL_CACHE_DIR=$(bash "$MBHOST_SOURCE_DIR/scripts/setup.d/zig.sh" --cache-dir)
command -v zig >/dev/null 2>&1 && fail "a zig in PATH would hide the ziglang package"

# The six targets and what `file -b` says for each.
declare -A zig_file=(
  [linux/amd64]='ELF 64-bit.*x86-64' [linux/arm64]='ELF 64-bit.*ARM aarch64'
  [darwin/amd64]='Mach-O 64-bit x86_64' [darwin/arm64]='Mach-O 64-bit arm64'
  [windows/amd64]='PE32\+ executable.*x86-64' [windows/arm64]='PE32\+ executable.*Aarch64')

# expect_file_kinds DIR NAME TARGET...: each target's DIR/os/arch/NAME[.exe]
# is what `file` should say.
expect_file_kinds() {
  local dir=$1 name=$2 t f
  shift 2
  for t in "$@"; do
    f="$dir/$t/$name"
    [ "${t%%/*}" = windows ] && f="$f.exe"
    [ -f "$f" ] || fail "$t: no $f"
    file -b "$f" | grep -qE "${zig_file[$t]}" || fail "$t: file says $(file -b "$f")"
  done
}

# max_glibc BINARY: the highest GLIBC_x.y symbol version it needs.
max_glibc() {
  objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1
}
