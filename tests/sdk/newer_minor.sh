# A plugin built against headers one minor version ahead of this host (one
# more service, under an id this host does not serve) loads, reports its
# ABI, and works, falling back where get_service does not find the new
# service and using the ones this host has.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/sdk/sdk.sh"

minor=$(sed -n 's/^#define MB_ABI_MINOR \([0-9]*\)$/\1/p' "$MBHOST_SOURCE_DIR/sdk-headers/mbhost/plugin.h")
next=$((minor + 1))
mkdir -p "$T/next"
cp -r "$MBHOST_SOURCE_DIR/sdk-headers/mbhost" "$T/next/"
sed -i -e "s/^#define MB_ABI_MINOR $minor\$/#define MB_ABI_MINOR $next/" \
  -e 's|^#define MB_ENTRY_SYMBOL .*$|&\n\n/* Added in the next minor. */\n#define MB_NEXT_MINOR_SERVICE "mb.next-minor/1"\ntypedef struct mb_next_minor_service {\n  const char *(*greeting)(mb_call *call);\n} mb_next_minor_service;|' \
  "$T/next/mbhost/plugin.h"
grep -q MB_NEXT_MINOR_SERVICE "$T/next/mbhost/plugin.h" && grep -q "MB_ABI_MINOR $next" "$T/next/mbhost/plugin.h" ||
  fail "could not make the next-minor headers"
build_plugin "$T/plugins/next.so" newer_minor.c -I "$T/next"

run_mbhost 0 plugins --plugin-dir "$T/plugins"
expect_output "^next +toolchain +org.example.next +1.1.0 +1.$next +$T/plugins/next.so"
pass "a plugin of ABI 1.$next is listed by a 1.$minor host"

write_ini next
run_mbhost 0 --config "$T/build.ini" --plugin-dir "$T/plugins"
for t in linux/amd64 linux/arm64; do
  report=$(cat "$T/dist/$t/report.txt") || fail "no report for $t"
  grep -qx "target: $t" <<<"$report" || fail "$t: $report"
  grep -qx "next_minor_service: absent, fell back" <<<"$report" || fail "$t: $report"
  grep -qx "mb.options/1: present" <<<"$report" || fail "$t: $report"
  grep -qx "host ABI: 1.$minor" <<<"$report" || fail "$t: $report"
done
pass "it builds, skipping the service this host lacks and using the ones it has"
