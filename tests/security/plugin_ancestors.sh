# A plugin folder is refused when a folder above it could let another user
# swap it: writable by others (sticky or not) or owned by someone other
# than root and us. A refused plugin is never loaded, not even by the
# scanner: its constructor does not run.
source "$MBHOST_SOURCE_DIR/tests/security/lib.sh"
need_nobody
export MBHOST_TEST_MARKER="$T/loaded"

# plugin_in DIR: DIR/plugins/marker.so, a folder and file only root may write.
plugin_in() {
  mkdir -p -m 755 "$1/plugins"
  cc -shared -fPIC -o "$1/plugins/marker.so" "$MBHOST_SOURCE_DIR/tests/security/plugins/ctor_marker.c"
  chmod 755 "$1/plugins/marker.so"
}

# refused DIR PATTERN: mbhost plugins refuses DIR/plugins with PATTERN.
refused() {
  rm -f "$MBHOST_TEST_MARKER"
  run_mbhost 0 plugins --plugin-dir "$1/plugins"
  expect_output "^refused: $1/plugins: $2"
  [ ! -e "$MBHOST_TEST_MARKER" ] || fail "$1: the plugin was loaded"
}

mkdir -m 755 "$T/open" && plugin_in "$T/open" && chmod 777 "$T/open"
refused "$T/open" "$T/open/plugins is inside $T/open, which others may write, so another user could replace it"
pass "a plugin folder below a folder others may write is refused"

mkdir -m 755 "$T/sticky" && plugin_in "$T/sticky" && chmod 1777 "$T/sticky"
refused "$T/sticky" "$T/sticky/plugins is inside $T/sticky, which others may write \(sticky is not enough here\)"
pass "sticky is not enough for a plugin folder's parent"

mkdir -m 755 "$T/theirs" && plugin_in "$T/theirs" && chown nobody "$T/theirs"
refused "$T/theirs" "$T/theirs/plugins is inside $T/theirs, which is owned by uid $(id -u nobody)"
pass "a plugin folder below another user's folder is refused"

# The swap itself: another user renames the folder away and puts theirs in
# its place; theirs is refused by its owner, and through the open parent.
as_nobody sh -c "mv '$T/open/plugins' '$T/open/old' && mkdir -m 755 '$T/open/plugins' && cp '$T/open/old/marker.so' '$T/open/plugins/'"
refused "$T/open" "$T/open/plugins is (owned by uid|inside)"
pass "a swapped plugin folder is refused"

# Through a symlink: the folder as written and the folder it resolves to.
mkdir -m 755 "$T/safe"
ln -s "$T/open/old" "$T/safe/plugins"
refused "$T/safe" ".*which others may write"
pass "a symlink to a plugin folder below an open folder is refused"

# Control: the same plugin below folders only root may write is loaded.
mkdir -m 755 "$T/closed" && plugin_in "$T/closed"
run_mbhost 0 plugins --plugin-dir "$T/closed/plugins"
[ -e "$MBHOST_TEST_MARKER" ] || fail "control: the plugin was not loaded"
pass "control: below closed folders the plugin is loaded"
