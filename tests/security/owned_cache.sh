# The cache folder is refused, as ssh refuses ~/.ssh, when another user
# could write it or owns it; without HOME and XDG_CACHE_HOME there is no
# cache (no /tmp fallback). Each refusal exits 2 and builds nothing.
source "$MBHOST_SOURCE_DIR/tests/security/lib.sh"
need_nobody
write_project

# [cache] dir writable by others: refused at its file:line.
mkdir -m 777 "$T/shared"
printf '\n[cache]\ndir = shared\n' >>"$T/build.ini"
run_mbhost 2 --config "$T/build.ini"
expect_output "build.ini:16: dir: $T/shared is writable by others, who could plant cache entries or files there: chmod go-w $T/shared"
[ ! -e "$T/dist" ] && [ -z "$(ls -A "$T/shared")" ] || fail "something was built or cached"
pass "a world-writable [cache] dir is refused at file:line"

# Owned by another user (made before us, as in a shared /tmp).
rmdir "$T/shared"
mkdir -m 755 "$T/shared" && chown nobody "$T/shared"
run_mbhost 2 --config "$T/build.ini"
expect_output "build.ini:16: dir: $T/shared is owned by uid $(id -u nobody), not by you"
[ ! -e "$T/dist" ] || fail "something was built"
pass "a cache folder another user owns is refused"

# Inside a folder others may write (not sticky): they could swap it.
rmdir "$T/shared"
mkdir -m 777 "$T/open"
mkdir -m 700 "$T/open/cache"
sed -i "s|^dir = .*|dir = open/cache|" "$T/build.ini"
run_mbhost 2 --config "$T/build.ini"
expect_output "$T/open/cache is inside $T/open, which others may write"
pass "a cache folder inside a folder others may write is refused"

# The default cache (XDG_CACHE_HOME) writable by its group: same reason.
sed -i '/^\[cache\]/,$d' "$T/build.ini"
mkdir -p -m 770 "$CACHE"
run_mbhost 2 --config "$T/build.ini"
expect_output "error: .*$CACHE is writable by its group.*chmod go-w $CACHE"
chmod 700 "$CACHE"
run_mbhost 0 --config "$T/build.ini"
[ "$(stat -c %a "$CACHE/projects")" = 700 ] || fail "state folders are not made 0700"
pass "the default cache folder is checked too, and folders are made 0700"

# No HOME and no XDG_CACHE_HOME: no cache, said so, nothing built.
rm -rf "$T/dist"
rc=0
OUT=$(env -u HOME -u XDG_CACHE_HOME "$MBHOST" --config "$T/build.ini" 2>&1) || rc=$?
[ "$rc" = 2 ] || fail "without HOME: exit $rc: $OUT"
expect_output "no cache folder: neither HOME nor XDG_CACHE_HOME is set"
[ ! -e "$T/dist" ] || fail "built without a cache folder"
rc=0
OUT=$(env -u HOME -u XDG_CACHE_HOME "$MBHOST" cache stats 2>&1) || rc=$?
[ "$rc" = 2 ] || fail "cache stats without HOME: exit $rc"
pass "without HOME or XDG_CACHE_HOME mbhost refuses to guess a cache folder"

# --dry-run reads the cache without writing it, not even the scan cache.
rm -rf "$CACHE"
run_mbhost 0 --config "$T/build.ini" --dry-run
[ ! -e "$CACHE" ] || fail "--dry-run wrote $(find "$CACHE")"
pass "--dry-run creates no cache folder and no scan cache"

# A store that died leaves .tmp-<key>-XXXXXX: cache prune removes it once
# it is old, not while a run may still be writing it.
run_mbhost 0 --config "$T/build.ini"
mkdir -p "$CACHE/actions/ab/.tmp-abcd-old/files" "$CACHE/actions/ab/.tmp-abcd-new"
head -c 4096 /dev/zero >"$CACHE/actions/ab/.tmp-abcd-old/files/x"
touch -d '2 hours ago' "$CACHE/actions/ab/.tmp-abcd-old"
run_mbhost 0 cache prune --config "$T/build.ini"
[ ! -e "$CACHE/actions/ab/.tmp-abcd-old" ] || fail "the old leftover was kept"
[ -e "$CACHE/actions/ab/.tmp-abcd-new" ] || fail "a fresh .tmp- folder was removed"
pass "cache prune removes leftovers of a dead store"
