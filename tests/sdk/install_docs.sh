# `cmake --install` puts the plugin tutorial, the bundled plugins'
# references and the example plugins in share/doc/mbhost/, and the tutorial
# is usable from the install alone: it names no file of the source tree,
# every share/doc/mbhost/ path it names is installed, and it covers every
# installed ABI header by its <mbhost/...> name.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/sdk/install.sh"

install_prefix "$T/prefix"
doc="$DOCS/writing-plugins.md"
cmp -s "$doc" "$MBHOST_SOURCE_DIR/docs/writing-plugins.md" || fail "the installed tutorial is not docs/writing-plugins.md"
for f in toolchain-c.md toolchain-rust.md exporter-tarball.md exporter-s3.md cache-http.md; do
  [ -f "$DOCS/$f" ] || fail "no share/doc/mbhost/$f installed"
done
diff -r "$EXAMPLES" "$MBHOST_SOURCE_DIR/examples" >"$T/diff.log" || { cat "$T/diff.log" >&2; fail "the installed examples differ from examples/"; }
pass "the tutorial, the plugin references and the examples are in share/doc/mbhost/"

# A folder of the source tree at the start of a path (`tests/`, but not
# `mbhost/plugins/` or `share/doc/mbhost/examples/`), or a way up out of
# the install.
outside='(^|[^A-Za-z0-9_./-])(tests|host|docs|sdk-headers|conf|plugins|examples|man|bench|completions)/|scripts/(setup|test|fuzz)\.sh|\.\./'
bad=$(grep -nE "$outside" "$doc" || true)
[ -z "$bad" ] || fail "the tutorial names files outside the install: $bad"
pass "the tutorial names no file outside the install"

named=$(grep -oE 'share/doc/mbhost/[A-Za-z0-9_./-]*[A-Za-z0-9_]' "$doc" | sort -u)
[ -n "$named" ] || fail "the tutorial names no installed example"
for path in $named; do
  [ -e "$T/prefix/$path" ] || fail "the tutorial names $path, which is not installed"
done
for h in "$T/prefix/include/mbhost/"*.h; do
  grep -qF "<mbhost/$(basename "$h")>" "$doc" || fail "the tutorial does not cover <mbhost/$(basename "$h")>"
done
for h in $(grep -oE '<mbhost/[A-Za-z0-9_-]+\.h>' "$doc" | sort -u); do
  h=${h#<} h=${h%>}
  [ -f "$T/prefix/include/$h" ] || fail "the tutorial names <$h>, which is not installed"
done
pass "every installed path and header the tutorial names exists, and it covers every header"
