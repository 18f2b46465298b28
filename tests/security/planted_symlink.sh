# A symlink planted in a project's state folder (at the name the build
# durations used to be written through, durations.tmp) must not make a
# root run overwrite the file it points to. A state folder others may
# write is refused outright.
source "$MBHOST_SOURCE_DIR/tests/security/lib.sh"
need_nobody
write_project

run_mbhost 0 --config "$T/build.ini"
state=$(find "$CACHE/projects" -mindepth 1 -maxdepth 1 -type d)
printf 'secret\n' >"$T/root-only"
chmod 600 "$T/root-only"

# Open to everyone: refused before anything is built.
open_cache_path "$CACHE/projects"
chmod 777 "$state"
as_nobody ln -s "$T/root-only" "$state/durations.tmp"
rm -rf "$T/dist"
run_mbhost 2 --config "$T/build.ini"
expect_output "state folder: $state is writable by others"
[ ! -e "$T/dist" ] || fail "built in a state folder others may write"
pass "a state folder others may write is refused"

# Closed again, with the symlinks left behind: every file mbhost writes
# there is created exclusively, so the symlinks are never followed.
chmod 700 "$state"
run_mbhost 0 --config "$T/build.ini" --no-cache
[ "$(cat "$T/root-only")" = secret ] || fail "the root-only file was overwritten"
[ -f "$state/durations" ] && [ ! -L "$state/durations" ] || fail "no durations were saved"
pass "a planted durations.tmp symlink is not followed"

# A symlink at the durations file itself is not read through either.
rm "$state/durations"
ln -s "$T/root-only" "$state/durations"
run_mbhost 0 --config "$T/build.ini" --no-cache
expect_output "warning: ignoring build durations $state/durations: it is a symlink"
[ "$(cat "$T/root-only")" = secret ] || fail "the root-only file was overwritten"
pass "a symlink at the durations file is ignored and replaced"
