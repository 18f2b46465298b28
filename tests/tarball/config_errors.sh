#!/usr/bin/env bash
# Bad [export.tarball] values are configuration errors: exit code 2, a
# message naming file:line and the key, and nothing built or written.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

copy_fixture hello-go >/dev/null
ini="$T/bad.ini"
# expect_config_error 'KEY = VALUE' PATTERN: the line is the INI's last.
expect_config_error() {
  cat >"$ini" <<INI
[project]
name   = hello
source = hello-go
output = dist

[matrix]
os   = linux
arch = amd64

[toolchain]
use = go

[export]
use = tarball

[export.tarball]
$1
INI
  local line
  line=$(wc -l <"$ini")
  run_mbhost 2 --config "$ini" --target linux/amd64
  expect_output "bad\.ini:$line:"
  expect_output "$2"
  [ ! -e "$T/dist" ] || fail "'$1' still wrote $T/dist"
  pass "'$1' is a configuration error at bad.ini:$line"
}

expect_config_error 'format = rar' 'format'
expect_config_error 'format.windows = rar' 'format\.windows'
# The host knows the OS names (format.OS is an MB_OPT_SUFFIX_OS key).
expect_config_error 'format.windoz = zip' \
  "format\.windoz: 'windoz' is not an OS name; did you mean 'windows'\?"
expect_config_error 'format.plan99 = zip' "did you mean 'plan9'\?"
expect_config_error 'format.beos = zip' "'beos' is not an OS name"
expect_config_error 'name_template = {name}_{target}' \
  'name_template: \{target\} is not a known placeholder'
expect_config_error 'wrap_in_directory = ../up' \
  "wrap_in_directory: the name \"\.\./up\" contains a '\.\.' component"
expect_config_error 'files = /etc/passwd' 'files: the pattern "/etc/passwd" is absolute'
expect_config_error 'checksums = sums_{os}.txt' 'checksums: \{os\} cannot be used'

# An environment problem has no line to point at, but is still exit 2.
printf '[project]\nname = hello\nsource = hello-go\n[matrix]\nos = linux\narch = amd64\n[toolchain]\nuse = go\n[export]\nuse = tarball\n' >"$ini"
SOURCE_DATE_EPOCH=yesterday run_mbhost 2 --config "$ini" --target linux/amd64
expect_output 'SOURCE_DATE_EPOCH="yesterday" is not a number'
pass "a bad SOURCE_DATE_EPOCH is a configuration error"

# A value given with --set has no line: the error names --set instead.
run_mbhost 2 --config "$ini" --target linux/amd64 \
  --set 'export.tarball.name_template={name}_{target}'
expect_output '--set: name_template: \{target\} is not a known placeholder'
[ ! -e "$T/dist" ] || fail "a bad --set name_template still wrote $T/dist"
pass "a bad --set value is a configuration error naming --set"

# A prefix key given with --set is checked like one in the file.
run_mbhost 2 --config "$ini" --target linux/amd64 --set 'export.tarball.format.windoz=zip'
expect_output "--set: format\.windoz: 'windoz' is not an OS name; did you mean 'windows'\?"
[ ! -e "$T/dist" ] || fail "a bad --set format.<os> still wrote $T/dist"
pass "a bad --set format.<os> is a configuration error naming --set"
