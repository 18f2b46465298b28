# docs/design.md describes host/ one file per line: every host/*.c is in its
# table and every file in the table exists. The README links it, and nothing
# in the project refers to a folder outside the repository.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

design="$MBHOST_SOURCE_DIR/docs/design.md"
[ -f "$design" ] || fail "no docs/design.md"
listed=$(sed -n 's/^| `\([a-z_]*\.c\)` | .*/\1/p' "$design" | sort)
actual=$(cd "$MBHOST_SOURCE_DIR/host" && ls -- *.c | sort)
[ "$listed" = "$actual" ] || fail "docs/design.md's table of host/ is out of date: $(diff <(echo "$actual") <(echo "$listed") | grep '^[<>]' | tr '\n' ' ')"
pass "docs/design.md lists every file of host/ and no other"

grep -q '(docs/design.md)' "$MBHOST_SOURCE_DIR/README.md" || fail "README.md does not link docs/design.md"
# A document's link that climbs out of the repository points at nothing a
# user of the project has.
refs=$(cd "$MBHOST_SOURCE_DIR" && { git grep -nE '\]\((\.\./)+[^)]*\)' -- '*.md' || true; } |
  while IFS=: read -r file line text; do
    target=$(sed -nE 's/.*\]\(([^)]*)\).*/\1/p' <<<"$text")
    case "$(realpath -m "$(dirname "$file")/$target")" in
      "$(realpath "$MBHOST_SOURCE_DIR")"/*) ;;
      *) echo "$file:$line" ;;
    esac
  done)
[ -z "$refs" ] || fail "a document links outside the repository: $refs"
pass "README.md links docs/design.md; no document links outside the repository"
