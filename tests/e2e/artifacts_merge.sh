# artifacts.json describes the output folder, not only the last run: after
# `--target X`, the entries of the other targets are kept while each of
# their files is still there and unchanged (size and sha256); a target
# whose file was changed or removed is dropped.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

build_test_plugin kit_toolchain
mkdir -p "$T/app"
echo one >"$T/app/main.txt"
cat >"$T/build.ini" <<INI
[project]
name = merge
source = app
output = out
[matrix]
os = linux, windows
arch = amd64, arm64
exclude = windows/arm64
[toolchain]
use = kit
INI

# listed: "TARGET:N" for each target of artifacts.json, N its artifacts.
listed() {
  python3 - "$T/out/artifacts.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for t in sorted(doc["targets"], key=lambda t: t["target"]):
    n = sum(1 for a in doc["artifacts"] if a["target"] == t["target"])
    print(f'{t["target"]}:{n}', end=" ")
PY
}
# artifact_path TARGET: the output-relative path of the target's first file.
artifact_path() {
  python3 -c 'import json,sys; print(next(a["path"] for a in json.load(open(sys.argv[1]))["artifacts"] if a["target"] == sys.argv[2]))' "$T/out/artifacts.json" "$1"
}

run_mbhost 0 --config "$T/build.ini" --plugin-dir "$T/plugins"
all=$(listed)
[[ "$all" =~ ^linux/amd64:[1-9][0-9]*\ linux/arm64:[1-9][0-9]*\ windows/amd64:[1-9][0-9]*\ $ ]] || fail "the full build lists $all"

echo two >"$T/app/main.txt"
run_mbhost 0 --config "$T/build.ini" --plugin-dir "$T/plugins" --target linux/arm64
[ "$(listed)" = "$all" ] || fail "after --target linux/arm64: $(listed), expected $all"
python3 - "$T/out/artifacts.json" <<'PY' || fail "the rebuilt target's entry is not this run's"
import json, sys
doc = json.load(open(sys.argv[1]))
t = {t["target"]: t for t in doc["targets"]}
assert t["linux/arm64"]["cache_hit"] is False, t
for a in doc["artifacts"]:
    assert a["size"] > 0 and len(a["sha256"]) == 64, a
PY
pass "--target keeps the other targets' entries while their files are unchanged"

echo tampered >>"$T/out/$(artifact_path linux/amd64)"
rm "$T/out/$(artifact_path windows/amd64)"
run_mbhost 0 --config "$T/build.ini" --plugin-dir "$T/plugins" --target linux/arm64
[[ "$(listed)" =~ ^linux/arm64:[1-9][0-9]*\ $ ]] || fail "a changed and a removed file are still listed: $(listed)"
pass "a target whose file changed or is gone is dropped"

run_mbhost 0 --config "$T/build.ini" --plugin-dir "$T/plugins"
[ "$(listed)" = "$all" ] || fail "a full run lists $(listed), expected $all"
pass "a full run lists every target again"
