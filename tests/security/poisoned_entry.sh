# Another user who could write a cache folder replaces an entry (its file
# and a manifest with the matching sha256): the entry is not theirs to
# give, so the next run ignores it with a warning, builds the target again
# and publishes what it built, not the planted file.
source "$MBHOST_SOURCE_DIR/tests/security/lib.sh"
need_nobody
write_project

run_mbhost 0 --config "$T/build.ini"
genuine=$(sha256sum <"$T/dist/linux/amd64/hello")
entry=$(dirname "$(find "$CACHE/actions" -name manifest)")
rm -rf "$T/dist"

# The cache folder stays ours and closed to writes by others (so it passes
# its own check), but the entry's folders were left open to everyone.
open_cache_path "$CACHE/actions"
chmod 777 "$(dirname "$entry")" "$entry" "$entry/files"
printf 'planted\n' >"$T/planted"
sum=$(sha256sum <"$T/planted" | cut -d' ' -f1)
as_nobody sh -c '
  mv "$1" "$1.old" && mkdir -m 755 "$1" "$1/files" &&
  cp "$2" "$1/files/hello" &&
  printf "mbhost-action/2\n%s 8 binary hello\n" "$3" >"$1/manifest"' \
  sh "$entry" "$T/planted" "$sum"
[ "$(stat -c %U "$entry/manifest")" = nobody ] || fail "the entry was not replaced"

run_mbhost 0 --config "$T/build.ini"
expect_output "warning: ignoring cache entry $entry: .* is not a folder of yours"
expect_output "linux/amd64 +ok .* miss "
[ "$(sha256sum <"$T/dist/linux/amd64/hello")" = "$genuine" ] ||
  fail "the planted file was published: $(cat "$T/dist/linux/amd64/hello")"
! grep -q planted "$T/dist/artifacts.json" || fail "artifacts.json reports the planted file"
pass "a planted entry is refused, rebuilt, and never published"

# The same with only the entry's file replaced (folders still ours, but
# the file is another user's): refused too.
chmod 755 "$entry" "$entry/files"
rm -rf "$T/dist"
chmod 777 "$entry/files"
as_nobody sh -c 'rm -f "$1/files/hello" && cp "$2" "$1/files/hello"' sh "$entry" "$T/planted"
chmod 755 "$entry/files"
run_mbhost 0 --config "$T/build.ini"
expect_output "warning: ignoring cache file $entry/files/hello"
[ "$(sha256sum <"$T/dist/linux/amd64/hello")" = "$genuine" ] || fail "the planted file was published"
pass "an entry file owned by another user is refused"
