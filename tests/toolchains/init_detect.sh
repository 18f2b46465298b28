# `mbhost init` through each toolchain's detect extension: which project
# kind wins, the name each reads from its project file, and the keys each
# proposes (the ui_init test builds the fixtures; this covers the cases
# around them).
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

# init_in DIR: runs mbhost init there; the file is $DIR/build.ini.
init_in() {
  cd "$1"
  run_mbhost 0 init
  cd - >/dev/null
}

has_line() {
  grep -qxE -- "$2" "$1/build.ini" || { cat "$1/build.ini" >&2; fail "$1: no line /$2/"; }
}

mkdir -p "$T/gomod/cmd" && cd "$T/gomod"
printf 'module example.com/tool/v2\n\ngo 1.19\n' >go.mod
printf 'package main\n\nfunc main() {}\n' >main.go
printf 'int main(void) { return 0; }\n' >cgo_helper.c
printf 'all: tool\n' >Makefile
cd - >/dev/null
init_in "$T/gomod"
has_line "$T/gomod" 'use *= *go'
has_line "$T/gomod" 'name *= *tool( *;.*)?'
has_line "$T/gomod" 'ldflags *= *-s -w( *;.*)?'
pass "go.mod wins over a Makefile and C files; name from the module path"

mkdir -p "$T/crate/src" && cd "$T/crate"
printf '[package]\nname = "my_crate"\nversion = "0.1.0"\n\n[[bin]]\nname = "other"\npath = "src/main.rs"\n' >Cargo.toml
printf 'fn main() {}\n' >src/main.rs
cd - >/dev/null
init_in "$T/crate"
has_line "$T/crate" 'use *= *rust'
has_line "$T/crate" 'name *= *my_crate( *;.*)?'
has_line "$T/crate" 'profile *= *release( *;.*)?'
pass "Cargo.toml: rust, named after [package]"

mkdir -p "$T/both" && cd "$T/both"
printf 'cmake_minimum_required(VERSION 3.13)\nproject(x C)\nadd_executable(prog main.c)\n' >CMakeLists.txt
printf 'prog: main.c\n\tcc -o prog main.c\n' >Makefile
printf 'int main(void) { return 0; }\n' >main.c
cd - >/dev/null
init_in "$T/both"
has_line "$T/both" 'mode *= *cmake( *;.*)?'
has_line "$T/both" 'outputs *= *prog( *;.*)?'
pass "CMakeLists.txt wins over a Makefile"

for makefile in GNUmakefile makefile; do
  mkdir -p "$T/$makefile" && cd "$T/$makefile"
  printf 'CC ?= cc\n\n.PHONY: clean\nall: app\n\napp: main.c\n\t$(CC) -o app main.c\n' >"$makefile"
  printf 'int main(void) { return 0; }\n' >main.c
  cd - >/dev/null
  init_in "$T/$makefile"
  has_line "$T/$makefile" 'mode *= *make( *;.*)?'
  has_line "$T/$makefile" 'outputs *= *app( *;.*)?'
  pass "a $makefile is found, its default goal is the output"
done

mkdir -p "$T/plain/src/net" "$T/plain/tests" "$T/plain/examples" "$T/plain/.cache" && cd "$T/plain"
for f in main.c src/util.c src/net/tcp.c tests/t.c examples/demo.c .cache/gen.c; do
  printf 'int f_%s(void) { return 0; }\n' "$(basename "$f" .c)" >"$f"
done
printf 'int f(void);\n' >plain.h
cd - >/dev/null
init_in "$T/plain"
has_line "$T/plain" 'mode *= *sources( *;.*)?'
has_line "$T/plain" 'sources *= *\*\.c, src/\*\.c, src/net/\*\.c( *;.*)?'
has_line "$T/plain" 'include_dirs *= *\.( *;.*)?'
pass "C files: one pattern per folder, test, example and hidden folders left out"
