# The man pages render without warnings and, with the bash completion,
# know every option --help lists; the README's command line section agrees
# with --help; cmake --install puts all three in place.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

man1="$MBHOST_SOURCE_DIR/man/mbhost.1"
man5="$MBHOST_SOURCE_DIR/man/mbhost.ini.5"
completion="$MBHOST_SOURCE_DIR/completions/mbhost.bash"

if command -v groff >/dev/null; then
  for page in "$man1" "$man5"; do
    warnings=$(LC_ALL=C groff -man -ww -z "$page" 2>&1)
    [ -z "$warnings" ] || fail "$page: $warnings"
  done
  pass "the man pages render without warnings"
fi

options=$("$MBHOST" --help | grep -oE -- '--[a-z-]+' | sort -u)
[ "$(wc -l <<<"$options")" -ge 16 ] || fail "--help lists too few options"
for o in $options; do
  grep -qF -- "$(sed 's/-/\\-/g' <<<"$o")" "$man1" || fail "mbhost.1 lacks $o"
  grep -qw -- "$o" "$completion" || fail "the completion lacks $o"
done
pass "mbhost.1 and the completion know every option of --help"

# The README's "Command line" section says what --help says: its command
# block is --help's usage lines, and its option table has exactly --help's
# options, each with the same short form and argument.
readme="$MBHOST_SOURCE_DIR/README.md"
section=$(sed -n '/^## Command line$/,/^### /p' "$readme")
block=$(awk '/^```$/ { n++; next } n == 1' <<<"$section")
usage=$("$MBHOST" --help | sed '/^$/,$d' | sed -E 's/^(usage: |       )//')
diff -u <(echo "$usage") <(echo "$block") >&2 || fail "the README's command block differs from --help's usage"
option='(-[a-zA-Z], )?--[a-z-]+( [A-Z][A-Z./_=-]*)?'
from_help=$("$MBHOST" --help | sed -n '/^options:$/,/^$/p' | grep -oE -- "^ +$option" | sed 's/^ *//' | sort)
from_readme=$(grep '^| `-' <<<"$section" | grep -oE -- "\`$option\`" | tr -d '`' | sort)
[ "$(wc -l <<<"$from_help")" -ge 16 ] || fail "--help lists too few options: $from_help"
diff -u <(echo "$from_help") <(echo "$from_readme") >&2 || fail "the README's option table differs from --help's options"
pass "the README's command block and option table match --help"

complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _mbhost
  echo "${COMPREPLY[*]}"
}
source "$completion"
[ "$(complete_words mbhost --co)" = "--config --color" ] || fail "--co does not complete"
[ "$(complete_words mbhost --color a)" = "auto always" ] || fail "--color values"
[[ " $(complete_words mbhost in) " == *" init "* ]] || fail "the init command does not complete"
[ "$(complete_words mbhost cache p)" = "prune" ] || fail "cache actions do not complete"
printf '[matrix]\nos = linux, windows\narch = amd64\n' >"$T/m.ini"
[ "$(complete_words mbhost -c "$T/m.ini" -t win)" = "windows/amd64" ] || fail "--target from the config's matrix"
pass "the completion completes options, commands, --color and --target"

cmake --install "$MBHOST_BUILD_DIR" --prefix "$T/prefix" >/dev/null
for f in share/man/man1/mbhost.1 share/man/man5/mbhost.ini.5 share/bash-completion/completions/mbhost; do
  [ -f "$T/prefix/$f" ] || fail "cmake --install did not install $f"
done
pass "cmake --install puts the man pages and the completion in place"
