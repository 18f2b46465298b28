# --help lists every option (golden); usage errors and the typo hint exit 2
# and say where and what.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/ui/lib.sh"

"$MBHOST" --help >"$T/help.txt"
check_golden help.txt "$T/help.txt"
pass "--help matches golden/help.txt"

cp -r "$FIXTURES/hello-go" "$T/src"
cp "$MBHOST_SOURCE_DIR/tests/e2e/bad-config/typo_key.ini" "$T/typo.ini"
for command in validate build; do
  run_mbhost 2 $command --config "$T/typo.ini"
  expect_output "typo.ini:11: unknown key 'ldflag' in \[toolchain\]; did you mean 'ldflags'\?"
done
[ ! -e "$T/dist" ] || fail "a config error created the output folder"
pass "the ldflag typo: exit 2, file:line and the suggestion, for validate and build"

run_mbhost 2 --config "$T/typo.ini" --color=sometimes
expect_output "--color sometimes: expected auto, always or never"
run_mbhost 2 --config "$T/typo.ini" --force
expect_output "--force goes with .mbhost init."
run_mbhost 2 frobnicate
expect_output "unknown command 'frobnicate' \(commands: build, validate, plugins, init, cache\)"
pass "usage errors exit 2 with what to do"
