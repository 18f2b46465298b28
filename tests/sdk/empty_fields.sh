# Descriptors with an empty or missing id, name or version, or a name that
# cannot be written in an INI file, are refused and the field is named.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/sdk/sdk.sh"

build_plugin "$T/plugins/empty-id.so" toy.c -DTOY_ID='""'
build_plugin "$T/plugins/empty-name.so" toy.c -DTOY_NAME='""'
build_plugin "$T/plugins/empty-version.so" toy.c -DTOY_VERSION='""'
build_plugin "$T/plugins/null-id.so" toy.c -DTOY_ID=NULL
build_plugin "$T/plugins/bad-name.so" toy.c -DTOY_NAME='"Toy Tool"'

run_mbhost 0 plugins --plugin-dir "$T/plugins"
expect_output "^refused: $T/plugins/empty-id.so: descriptor field 'id' is empty$"
expect_output "^refused: $T/plugins/empty-name.so: descriptor field 'name' is empty$"
expect_output "^refused: $T/plugins/empty-version.so: descriptor field 'version' is empty$"
expect_output "^refused: $T/plugins/null-id.so: descriptor field 'id' is empty$"
expect_output "^refused: $T/plugins/bad-name.so: descriptor name 'Toy Tool' must be lowercase"
! grep -qE '^toy ' <<<"$OUT" || fail "a refused descriptor was listed"
pass "each bad descriptor is refused, naming the field"
