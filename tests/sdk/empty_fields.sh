# Descriptors with an empty or missing id, name or version, or a name that
# cannot be written in an INI file, are refused and the field is named; so is
# an options table with a type this host does not know.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/sdk/sdk.sh"

build_plugin "$T/plugins/empty-id.so" toy.c -DTOY_ID='""'
build_plugin "$T/plugins/empty-name.so" toy.c -DTOY_NAME='""'
build_plugin "$T/plugins/empty-version.so" toy.c -DTOY_VERSION='""'
build_plugin "$T/plugins/null-id.so" toy.c -DTOY_ID=NULL
build_plugin "$T/plugins/bad-name.so" toy.c -DTOY_NAME='"Toy Tool"'
build_plugin "$T/plugins/future-type.so" toy.c -DTOY_OPTION_TYPE=99

run_mbhost 0 plugins --plugin-dir "$T/plugins"
expect_output "^refused: $T/plugins/empty-id.so: descriptor field 'id' is empty$"
expect_output "^refused: $T/plugins/empty-name.so: descriptor field 'name' is empty$"
expect_output "^refused: $T/plugins/empty-version.so: descriptor field 'version' is empty$"
expect_output "^refused: $T/plugins/null-id.so: descriptor field 'id' is empty$"
expect_output "^refused: $T/plugins/bad-name.so: descriptor name 'Toy Tool' must be lowercase"
expect_output "^refused: $T/plugins/future-type.so: option 'flavour' has type 99, which this mbhost \(plugin ABI 1\.[0-9]+\) does not know: it needs a newer mbhost$"
! grep -qE '^toy ' <<<"$OUT" || fail "a refused descriptor was listed"
pass "each bad descriptor is refused, naming the field"
