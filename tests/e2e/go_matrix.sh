# The bundled example: six Go targets, each checked with `file`; the linux
# ones run (arm64 under qemu) and print their own platform; artifacts.json
# lists every binary with its real size and sha256.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

mkdir -p "$T/conf/examples"
cp "$MBHOST_SOURCE_DIR/conf/examples/hello-go.ini" "$T/conf/examples/"
mkdir -p "$T/tests/fixtures"
cp -r "$FIXTURES/hello-go" "$T/tests/fixtures/"
before=$(tree_digest "$T/tests/fixtures/hello-go")

run_mbhost 0 --config "$T/conf/examples/hello-go.ini" -j 2
dist="$T/conf/examples/dist"

declare -A want=(
  [linux/amd64/hello]="ELF 64-bit LSB executable, x86-64"
  [linux/arm64/hello]="ELF 64-bit LSB executable, ARM aarch64"
  [darwin/amd64/hello]="Mach-O 64-bit x86_64 executable"
  [darwin/arm64/hello]="Mach-O 64-bit arm64 executable"
  [windows/amd64/hello.exe]="PE32+ executable (console) x86-64"
  [windows/arm64/hello.exe]="PE32+ executable (console) Aarch64"
)
for path in "${!want[@]}"; do
  [ -f "$dist/$path" ] || fail "missing $path"
  file -b "$dist/$path" | grep -qF "${want[$path]}" || fail "$path: $(file -b "$dist/$path")"
done
pass "six binaries of the right formats"

[ "$("$dist/linux/amd64/hello")" = "hello from linux/amd64 (plain)" ] || fail "linux/amd64 output"
out=$(qemu-aarch64-static "$dist/linux/arm64/hello")
# The [target linux/arm64] override of ldflags reached the arm64 build only.
[ "$out" = "hello from linux/arm64 (arm)" ] || fail "linux/arm64 output: $out"
pass "linux binaries run and print their platform"

python3 - "$dist" <<'PY'
import hashlib, json, os, sys
dist = sys.argv[1]
report = json.load(open(os.path.join(dist, "artifacts.json")))
assert report["status"] == "ok" and report["exit_code"] == 0, report["status"]
assert report["toolchain"]["name"] == "go" and report["toolchain"]["version"].startswith("go1"), report["toolchain"]
targets = {t["target"]: t for t in report["targets"]}
assert sorted(targets) == sorted(["linux/amd64", "linux/arm64", "darwin/amd64",
                                  "darwin/arm64", "windows/amd64", "windows/arm64"]), targets
assert all(t["status"] == "ok" and t["duration_seconds"] > 0 for t in targets.values())
arts = report["artifacts"]
assert len(arts) == 6, len(arts)
for a in arts:
    path = os.path.join(dist, a["path"])
    data = open(path, "rb").read()
    assert a["size"] == len(data), a
    assert a["sha256"] == hashlib.sha256(data).hexdigest(), a
    assert a["path"].startswith(a["target"] + "/"), a
    assert a["kind"] == "binary" and a["exporter"] == "local", a
PY
pass "artifacts.json lists each binary with size and sha256"

[ "$(tree_digest "$T/tests/fixtures/hello-go")" = "$before" ] || fail "the source tree changed"
ls -A "$dist" | grep -q '^\.' && fail "hidden state left in the output folder: $(ls -A "$dist")"
pass "source untouched, no staging left in the output"
