#!/usr/bin/env bash
# tar.zst and tar.xz archives read by the standard tools; a top folder;
# names without a version; entry times from SOURCE_DATE_EPOCH, the `mtime`
# key and the source's last git commit; and a failed export that leaves the
# previous archives as they were.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
export TZ=UTC # tar listings print local times

src=$(copy_fixture hello-go)
mkdir -p "$src/docs"
echo "read me" >"$src/docs/guide.md"
write_config() { # extra lines for [export.tarball]
  cat >"$T/formats.ini" <<INI
[project]
name   = hello
source = hello-go
output = dist

[matrix]
os   = linux, darwin
arch = amd64, arm64

[toolchain]
use = go

[export]
use = tarball

[export.tarball]
format            = tar.zst
format.darwin     = tar.xz
wrap_in_directory = true
files             = docs/*.md
$1
INI
}
targets=(--target linux/amd64 --target darwin/arm64)
dist="$T/dist"
linux=hello_linux_amd64.tar.zst
darwin=hello_darwin_arm64.tar.xz
sums=hello_checksums.txt

# entry_times ARCHIVE: the distinct dates (YYYY-MM-DD HH:MM) of its entries.
entry_times() {
  tar -tvaf "$dist/$1" | awk '{print $4, $5}' | sort -u | tr '\n' ' '
}

write_config ""
SOURCE_DATE_EPOCH=1700000000 run_mbhost 0 --config "$T/formats.ini" "${targets[@]}"
(cd "$dist" && ls)
[ -f "$dist/$linux" ] && [ -f "$dist/$darwin" ] && [ -f "$dist/$sums" ] ||
  fail "expected $linux, $darwin and $sums (no version in the names)"

zstd -tq "$dist/$linux" || fail "zstd -t $linux"
xz -t "$dist/$darwin" || fail "xz -t $darwin"
want="hello_linux_amd64/ hello_linux_amd64/docs/ hello_linux_amd64/docs/guide.md hello_linux_amd64/hello "
[ "$(tar --zstd -tf "$dist/$linux" | tr '\n' ' ')" = "$want" ] ||
  fail "GNU tar lists: $(tar --zstd -tf "$dist/$linux" | tr '\n' ' ')"
# (Listings are read whole: grep -q quitting early would break the pipe.)
bsd_list=$(bsdtar -tvf "$dist/$linux")
grep -qE '^-rwxr-xr-x +[0-9]+ +0 +0 .* hello_linux_amd64/hello$' <<<"$bsd_list" ||
  fail "bsdtar: hello is not 0755 0/0 under its folder"
xz_list=$(tar -tvJf "$dist/$darwin")
grep -qE '^drwxr-xr-x 0/0 .* hello_darwin_arm64/$' <<<"$xz_list" ||
  fail "GNU tar: no 0755 top folder in $darwin"
pass "tar.zst and tar.xz read by zstd, xz, GNU tar and bsdtar"

[ "$(entry_times "$linux")" = "2023-11-14 22:13 " ] ||
  fail "SOURCE_DATE_EPOCH: entries dated $(entry_times "$linux")"
pass "entry times from SOURCE_DATE_EPOCH"
(cd "$dist" && sha256sum -c "$sums") || fail "sha256sum -c $sums"

# Without SOURCE_DATE_EPOCH: the last git commit touching the source...
(
  cd "$src"
  git init -q .
  git add -A
  GIT_COMMITTER_DATE="2021-06-01T12:30:00Z" git -c user.name=t \
    -c user.email=t@example.invalid commit -qm fixture
)
unset SOURCE_DATE_EPOCH
run_mbhost 0 --config "$T/formats.ini" "${targets[@]}"
[ "$(entry_times "$darwin")" = "2021-06-01 12:30 " ] ||
  fail "git commit time: entries dated $(entry_times "$darwin")"
pass "entry times from the last git commit"

# ...unless the configuration sets one.
write_config "mtime = 86400"
run_mbhost 0 --config "$T/formats.ini" "${targets[@]}"
[ "$(entry_times "$linux")" = "1970-01-02 00:00 " ] ||
  fail "mtime = 86400: entries dated $(entry_times "$linux")"
pass "entry times from the mtime key"

# A failed export replaces nothing: a folder stands where one archive goes.
archives_digest() { sha256sum "$dist"/hello_*; }
before=$(archives_digest)
write_config "mtime = 172800
checksums = sums.txt"
mkdir -p "$dist/sums.txt/in-the-way"
run_mbhost 1 --config "$T/formats.ini" "${targets[@]}"
expect_output 'sums.txt is a folder'
rmdir "$dist/sums.txt/in-the-way" "$dist/sums.txt"
[ "$(archives_digest)" = "$before" ] ||
  fail "the failed export changed the output folder"
[ -z "$(find "$dist" -name '*tmp*')" ] || fail "temporary files left behind"
pass "a failed export leaves the previous archives as they were"
