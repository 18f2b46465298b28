# Helpers of the UI tests: source after tests/lib.sh.
GOLDEN="$MBHOST_SOURCE_DIR/tests/ui/golden"

# normalize: replaces what differs between machines and runs (the test's
# folder, the state folder's hash, times, sizes, tool versions).
normalize() {
  sed -E \
    -e "s#$T#<T>#g" \
    -e 's#<T>/cache/mbhost/projects/[A-Za-z0-9._-]+-[0-9a-f]{16}#<STATE>#g' \
    -e 's/ *[0-9]+\.[0-9]s/ N.Ns/g' \
    -e 's/[0-9]+(\.[0-9])? (B|KiB|MiB|GiB)\b/SIZE/g' \
    -e 's/^(mbhost: \[(go|c|rust)\]) [^ ]+ .*|^(mbhost: \[(go|c|rust)\]) [^ ]+$/\1\3 TOOL_VERSION/' \
    -e 's/^(toolchain [a-z]+:) .*/\1 TOOL_VERSION/'
}

# check_golden NAME FILE: FILE must equal golden/NAME, or, with
# MBHOST_UPDATE_GOLDEN=1, becomes it.
check_golden() {
  if [ "${MBHOST_UPDATE_GOLDEN:-}" = 1 ]; then
    cp "$2" "$GOLDEN/$1"
    echo "updated golden/$1"
    return
  fi
  diff -u "$GOLDEN/$1" "$2" >&2 || fail "output differs from golden/$1 (MBHOST_UPDATE_GOLDEN=1 rewrites it)"
}

# slow_make_project: $T/src (the slow-make fixture) and $T/build.ini that
# builds it for linux/amd64 (succeeds) and linux/arm64 (fails on purpose).
slow_make_project() {
  cp -r "$MBHOST_SOURCE_DIR/tests/ui/slow-make" "$T/src"
  cat >"$T/build.ini" <<INI
[project]
name   = hello
source = src
output = out

[matrix]
os   = linux
arch = amd64, arm64

[toolchain]
use     = c
mode    = make
outputs = hello

[target linux/arm64]
make_args = FAIL=1
INI
}
