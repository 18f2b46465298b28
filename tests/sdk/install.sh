# Helpers for the tests that use an installed prefix: source after lib.sh.
umask 022

# install_prefix DIR: `cmake --install` of this build into DIR; sets
# PC_RELDIR, the pkg-config folder relative to DIR (lib/pkgconfig).
install_prefix() {
  cmake --install "$MBHOST_BUILD_DIR" --prefix "$1" >/dev/null || fail "cmake --install failed"
  local pc
  pc=$(find "$1" -name mbhost-plugin.pc) && [ -n "$pc" ] || fail "no mbhost-plugin.pc installed"
  PC_RELDIR=$(dirname "${pc#"$1"/}")
  [ -x "$1/bin/mbhost" ] || fail "no bin/mbhost installed"
}

# exports_only_entry SO: fails unless SO's only dynamic symbol is the entry.
exports_only_entry() {
  local symbols
  symbols=$(nm -D --defined-only "$1" | awk '{print $3}')
  [ "$symbols" = mbhost_plugin_entry ] || fail "$1 exports: $(echo $symbols)"
}
