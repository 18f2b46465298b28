# Shared by tests/security/*.sh: another user, and a small C project.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
CACHE="$XDG_CACHE_HOME/mbhost"

# need_nobody: skip (77) unless this runs as root with setpriv, which can
# act as another user. $T is opened so that user can reach its files.
need_nobody() {
  if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
    echo "skipped: needs root and setpriv to act as another user"
    exit 77
  fi
  chmod 755 "$T"
}

# open_cache_path: lets other users through the cache folder and its parent
# (neither becomes writable by them, so both still pass mbhost's check).
open_cache_path() {
  chmod 711 "$XDG_CACHE_HOME" "$CACHE" "$@"
}

# as_nobody CMD...: runs CMD as nobody.
as_nobody() {
  setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}

# write_project [CC_LINE]: $T/src, a make project whose Makefile runs
# $(CC), and $T/build.ini building it for linux/amd64 into $T/dist.
write_project() {
  mkdir -p "$T/src"
  printf 'int main(void) { return 0; }\n' >"$T/src/hello.c"
  printf 'hello: hello.c\n\t$(CC) -o hello hello.c\n' >"$T/src/Makefile"
  cat >"$T/build.ini" <<INI
[project]
name = hello
source = src
output = dist

[matrix]
os = linux
arch = amd64

[toolchain]
use = c
mode = make
binary = hello
INI
}
