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
[ "$n" -ge 25 ] || fail "only $n cases ran"
pass "$n bad inputs: exit 2, the expected message, nothing touched"

run_mbhost 2 --config "$T"
expect_output "is a folder"
run_mbhost 2 --config "$T/no-such.ini"
expect_output "no-such.ini: cannot read the file: No such file"
run_mbhost 2
expect_output "no config given"
pass "--config missing, a folder, or absent"
