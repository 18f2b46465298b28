#!/usr/bin/env bash
# The Go example packed by the tarball exporter for three targets: tar.gz
# for Linux and macOS, zip for Windows. The archives are read back with
# GNU tar, bsdtar and unzip; entries belong to 0/0; the Linux binary runs
# after extraction; sha256sum -c accepts the checksums file; and two clean
# runs, a second apart, give byte-identical archives.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
export TZ=UTC # tar listings print local times

src=$(copy_fixture hello-go)
echo "hello, packed" >"$src/README.md"
cat >"$T/release.ini" <<'INI'
[project]
name    = hello
version = 1.2.3
source  = hello-go
output  = dist

[matrix]
os   = linux, darwin, windows
arch = amd64, arm64

[toolchain]
use = go

[export]
use = tarball

[export.tarball]
format         = tar.gz
format.windows = zip
files          = README*, LICENSE*
INI
targets=(--target linux/amd64 --target darwin/arm64 --target windows/amd64)
dist="$T/dist"
linux=hello_1.2.3_linux_amd64.tar.gz
darwin=hello_1.2.3_darwin_arm64.tar.gz
windows=hello_1.2.3_windows_amd64.zip
sums=hello_1.2.3_checksums.txt

run_mbhost 0 --config "$T/release.ini" "${targets[@]}"

# Exactly the archives and the checksums file, straight in the output folder.
listing=$(cd "$dist" && LC_ALL=C ls | grep -v '^artifacts.json$' | tr '\n' ' ')
[ "$listing" = "$sums $darwin $linux $windows " ] ||
  fail "output folder holds: $listing"
pass "three archives and $sums in the output folder"

# GNU tar: sorted entries, 0/0, 0755 binary, 0644 README, time 0 (the
# fixture copy is no git checkout and no time is configured).
tar_list=$(tar --numeric-owner -tvzf "$dist/$linux")
echo "$tar_list"
[ "$(tar -tzf "$dist/$linux" | tr '\n' ' ')" = "README.md hello " ] ||
  fail "unexpected entries in $linux"
grep -qE '^-rwxr-xr-x 0/0 .* 1970-01-01 00:00 hello$' <<<"$tar_list" ||
  fail "hello is not 0755 0/0 at time 0"
grep -qE '^-rw-r--r-- 0/0 .* README.md$' <<<"$tar_list" ||
  fail "README.md is not 0644 0/0"
pass "GNU tar reads $linux"

# bsdtar prints owner and group as numbers when no names are stored.
bsd_list=$(bsdtar -tvf "$dist/$darwin")
echo "$bsd_list"
[ "$(grep -cE ' 0 +0 ' <<<"$bsd_list")" = 2 ] || fail "bsdtar: not 0/0"
grep -q ' hello$' <<<"$bsd_list" || fail "bsdtar: no hello in $darwin"
pass "bsdtar reads $darwin"

unzip -l "$dist/$windows"
[ "$(unzip -Z1 "$dist/$windows" | tr '\n' ' ')" = "README.md hello.exe " ] ||
  fail "unexpected entries in $windows"
zip_info=$(unzip -Z "$dist/$windows")
grep -qE '^-rwxr-xr-x .* hello.exe$' <<<"$zip_info" ||
  fail "hello.exe is not 0755 in the zip"
unzip -tq "$dist/$windows" || fail "unzip -t failed"
pass "unzip reads $windows"

mkdir "$T/x"
tar -xzf "$dist/$linux" -C "$T/x"
out=$("$T/x/hello")
echo "$out"
grep -q 'linux' <<<"$out" && grep -q 'amd64' <<<"$out" ||
  fail "the extracted linux binary printed: $out"
pass "the binary from $linux runs"

(cd "$dist" && sha256sum -c "$sums") || fail "sha256sum -c $sums"
[ "$(wc -l <"$dist/$sums")" = 3 ] || fail "$sums should list 3 archives"
pass "sha256sum -c $sums"

# artifacts.json: each archive with its target, and the checksums file.
jq -e '[.artifacts[] | select(.exporter == "tarball" and .kind == "archive")
        | .target] | sort == ["darwin/arm64", "linux/amd64", "windows/amd64"]' \
  "$dist/artifacts.json" >/dev/null || fail "artifacts.json lacks the archives"
jq -e '[.artifacts[] | select(.kind == "checksums" and .target == null)]
       | length == 1' "$dist/artifacts.json" >/dev/null ||
  fail "artifacts.json lacks the checksums file"
pass "artifacts.json lists the archives and the checksums file"

# The gzip header holds no time (bytes 4-7) and no file name (flag 0x08).
header=$(od -An -tx1 -N8 "$dist/$linux" | tr -d ' \n')
[ "$header" = "1f8b080000000000" ] || fail "gzip header: $header"
pass "no timestamp or name in the gzip header"

# Reproducible: a second clean run, later, without the build cache.
mkdir "$T/first"
cp "$dist"/hello_* "$T/first/"
rm -rf "$dist"
sleep 1.1
run_mbhost 0 --config "$T/release.ini" "${targets[@]}" --no-cache
for f in "$linux" "$darwin" "$windows" "$sums"; do
  cmp "$T/first/$f" "$dist/$f" || fail "$f differs between two runs"
done
pass "two clean runs give byte-identical archives"
