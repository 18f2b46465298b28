# Bad input is a usage/config error (exit 2) with a message that says where
# and what, and touches nothing. Cases are data: bad-config/cases.tsv.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

cases="$MBHOST_SOURCE_DIR/tests/e2e/bad-config"
cp -r "$FIXTURES/hello-go" "$T/src"
before=$(tree_digest "$T/src")
n=0
while IFS=$'\t' read -r ini args pattern; do
  [[ -z "$ini" || "$ini" == \#* ]] && continue
  cp "$cases/$ini" "$T/$ini"
  read -r -a extra <<<"$args"
  run_mbhost 2 --config "$T/$ini" "${extra[@]}"
  grep -qE -- "$pattern" <<<"$OUT" || { echo "$OUT" >&2; fail "$ini $args: output lacks /$pattern/"; }
  grep -qiE 'segmentation|sanitizer|abort' <<<"$OUT" && fail "$ini: crashed"
  [ ! -e "$T/dist" ] || fail "$ini: created an output folder"
  [ "$(tree_digest "$T/src")" = "$before" ] || fail "$ini: the source tree changed"
  n=$((n + 1))
done <"$cases/cases.tsv"
[ "$n" -ge 50 ] || fail "only $n cases ran"
pass "$n bad inputs: exit 2, the expected message, nothing touched"

# An unknown plugin's keys ([toolchain], [target], [export.NAME]) cannot be
# judged: the one error is the unknown name, with the nearest real one.
for ini in unknown_toolchain_keys.ini unknown_exporter_keys.ini; do
  run_mbhost 2 --config "$T/$ini"
  errors=$(grep -c 'error:' <<<"$OUT")
  [ "$errors" = 1 ] || { echo "$OUT" >&2; fail "$ini: $errors errors, expected only the unknown plugin's"; }
done
pass "an unknown toolchain or exporter: one error, no errors about its keys"

run_mbhost 2 --config "$T"
expect_output "is a folder"
run_mbhost 2 --config "$T/no-such.ini"
expect_output "no-such.ini: cannot read the file: No such file"
run_mbhost 2
expect_output "no config given"
pass "--config missing, a folder, or absent"

# Unreadable: root reads any file whatever its mode, so the check runs as
# nobody (setpriv, util-linux) when the suite runs as root.
cp "$cases/base.ini" "$T/locked.ini"
chmod 000 "$T/locked.ini"
chmod 755 "$T"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  rc=0
  OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$MBHOST" --config "$T/locked.ini" 2>&1) || rc=$?
  [ "$rc" = 2 ] || fail "unreadable config: exit $rc"
else
  run_mbhost 2 --config "$T/locked.ini"
fi
expect_output "locked.ini: cannot read the file: Permission denied"
pass "--config unreadable"
