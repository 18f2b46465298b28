# A forged probe-cache file (the C compiler set to another user's program)
# is ignored with a warning: mbhost probes again and never runs that
# program. A positive control shows the forged fact would be used if the
# file were ours.
source "$MBHOST_SOURCE_DIR/tests/security/lib.sh"
need_nobody
write_project

run_mbhost 0 --config "$T/build.ini"
probe=$(find "$CACHE/probes" -type f)
[ -n "$probe" ] || fail "no probe was cached"
rm -rf "$T/dist"

# nobody's compiler: leaves a mark when run.
mkdir -m 755 "$T/evil"
cat >"$T/evil/cc" <<'SH'
#!/bin/sh
echo "ran as $(id -un)" >"${0%/cc}/ran"
exit 1
SH
chmod 755 "$T/evil/cc"
chown -R nobody "$T/evil"
chmod 777 "$T/evil"

# forge FILE: the cached probe with every `cc` fact pointing at $T/evil/cc.
forge() {
  python3 - "$probe" "$T/evil/cc" >"$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
evil = sys.argv[2].encode()
out, pos = [], data.index(b"\n") + 1
out.append(data[:pos])
while pos < len(data):
    head_end = data.index(b"\n", pos)
    kind, na, nb = data[pos:head_end].split()
    na, nb = int(na), int(nb)
    a = data[head_end + 1:head_end + 1 + na]
    b = data[head_end + 1 + na:head_end + 1 + na + nb]
    pos = head_end + 1 + na + nb + 1
    if kind == b"fact" and a == b"cc":
        b = evil
    out.append(b"%s %d %d\n%s%s\n" % (kind, len(a), len(b), a, b))
sys.stdout.buffer.write(b"".join(out))
PY
}

open_cache_path
chmod 777 "$CACHE/probes"
forge "$T/forged" && chmod 644 "$T/forged"
as_nobody sh -c 'rm -f "$1" && cp "$2" "$1"' sh "$probe" "$T/forged"
[ "$(stat -c %U "$probe")" = nobody ] || fail "the probe was not replaced"
run_mbhost 0 --config "$T/build.ini"
expect_output "warning: ignoring cached probe $probe: another user owns it"
[ ! -e "$T/evil/ran" ] || fail "another user's compiler ran: $(cat "$T/evil/ran")"
[ -x "$T/dist/linux/amd64/hello" ] || fail "the target was not built"
pass "a forged probe file is ignored and its compiler never runs"

# Control: the same forged facts in a file of ours are used (so the test
# above would have caught the attack).
chmod 755 "$CACHE/probes"
forge "$probe.new" && chmod 600 "$probe.new" && mv "$probe.new" "$probe"
rm -rf "$T/dist"
run_mbhost 1 --config "$T/build.ini"
[ "$(cat "$T/evil/ran")" = "ran as root" ] || fail "control: the forged compiler did not run"
pass "control: the forged facts would have run the other user's program"
