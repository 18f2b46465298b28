# A failing target: without --keep-going nothing is exported and the output
# folder stays as it was; with it, the other targets arrive; exit 1 both times.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

src=$(copy_fixture hello-go)
cat > "$T/build.ini" <<INI
[project]
name = hello
source = hello-go
output = out

[matrix]
os = linux
arch = amd64, arm64

[toolchain]
use = go

[target linux/arm64]
ldflags = -this-flag-does-not-exist
INI
mkdir -p "$T/out" && echo keep > "$T/out/old.txt"
before=$(tree_digest "$T/out")

run_mbhost 1 --config "$T/build.ini" -j 1
expect_output 'linux/arm64.*failed'
expect_output 'nothing was exported'
[ "$(tree_digest "$T/out")" = "$before" ] || fail "the output folder changed after a failed build"
pass "a failed build leaves the output folder as it was"

log=$(grep -oE 'log of linux/arm64: [^ ]+' <<<"$OUT" | cut -d' ' -f4)
[ -f "$log" ] || fail "no log named in the output"
grep -q 'flag provided but not defined' "$log" || fail "the log lacks go's own error"
pass "the failed target's log holds the tool's output"

run_mbhost 1 --config "$T/build.ini" --keep-going
[ -x "$T/out/linux/amd64/hello" ] || fail "linux/amd64 missing with --keep-going"
[ ! -e "$T/out/linux/arm64" ] || fail "a failed target left files"
python3 -c "
import json,sys
r=json.load(open('$T/out/artifacts.json'))
s={t['target']:t['status'] for t in r['targets']}
assert s=={'linux/amd64':'ok','linux/arm64':'failed'}, s
assert r['exit_code']==1
"
pass "--keep-going exports the good target and reports the failed one"
