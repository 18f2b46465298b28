# Helpers for the tests that use an installed prefix: source after lib.sh.
umask 022

# install_prefix DIR: `cmake --install` of this build into DIR; sets
# PC_RELDIR, the pkg-config folder relative to DIR (lib/pkgconfig), DOCS,
# the installed documentation (DIR/share/doc/mbhost), and EXAMPLES, the
# installed example plugins in it: tests build those, never the source
# tree's, so what a user gets is what is tested.
install_prefix() {
  cmake --install "$MBHOST_BUILD_DIR" --prefix "$1" >/dev/null || fail "cmake --install failed"
  local pc
  pc=$(find "$1" -name mbhost-plugin.pc) && [ -n "$pc" ] || fail "no mbhost-plugin.pc installed"
  PC_RELDIR=$(dirname "${pc#"$1"/}")
  [ -x "$1/bin/mbhost" ] || fail "no bin/mbhost installed"
  DOCS="$1/share/doc/mbhost"
  EXAMPLES="$DOCS/examples"
  [ -f "$DOCS/writing-plugins.md" ] || fail "no share/doc/mbhost/writing-plugins.md installed"
  local f
  for f in toolchain-script/script.c toolchain-script/CMakeLists.txt \
    exporter-manifest/manifest.c exporter-manifest/CMakeLists.txt; do
    [ -f "$EXAMPLES/$f" ] || fail "no share/doc/mbhost/examples/$f installed"
  done
}

# exports_only_entry SO: fails unless SO's only dynamic symbol is the entry.
exports_only_entry() {
  local symbols
  symbols=$(nm -D --defined-only "$1" | awk '{print $3}')
  [ "$symbols" = mbhost_plugin_entry ] || fail "$1 exports: $(echo $symbols)"
}
