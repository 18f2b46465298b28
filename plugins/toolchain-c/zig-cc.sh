#!/bin/bash
# The C toolchain's compiler for `mode = make` with `cc = zig`: make runs it
# as `mb-toolchain-c-zig-cc ZIG cc -target TARGET ARGS...`, and it runs that
# command as gcc would name its outputs, which is what makefiles expect:
# - zig, like MSVC, names the object of `-c x.c` x.obj for a Windows target,
#   while the makefile's rules then look for x.o (`ar cq lib.a x.o`). A
#   compile with `-c` and no `-o` gets `-o x.o` in the current folder, one
#   compile per source when several are given;
# - mingw's gcc adds .exe to an executable named without an extension
#   (`-o bzip2` writes bzip2.exe), which zig does not: for a Windows target
#   the link gets the .exe the plugin then looks for.
# Anything else (a compile with -o, -E, -S, -M, a link for another target)
# runs unchanged.

windows=false compile=false shared=false target_next=false
for arg; do
  if $target_next; then
    case $arg in *-windows*) windows=true ;; esac
    target_next=false
  fi
  case $arg in
  -target) target_next=true ;;
  --target=*-windows* | -target=*-windows*) windows=true ;;
  -c) compile=true ;;
  -shared) shared=true ;;
  -E | -S | -M | -MM | -fsyntax-only) exec "$@" ;;
  esac
done

# Options whose value is the next argument: the value is not a source.
takes_value() {
  case $1 in
  -I | -D | -U | -include | -imacros | -isystem | -iquote | -idirafter | \
    -MF | -MT | -MQ | -x | -target | -Xclang | -Xpreprocessor | \
    -Xassembler | -Xlinker | -mllvm | --param | -L | -l | -o) return 0 ;;
  esac
  return 1
}

if $compile; then
  fixed=() sources=() value=false
  for arg; do
    if $value; then
      fixed+=("$arg") value=false
      continue
    fi
    case $arg in
    -o*) exec "$@" ;;
    -*)
      fixed+=("$arg")
      takes_value "$arg" && value=true
      ;;
    *.c | *.cc | *.cp | *.cpp | *.cxx | *.c++ | *.C | *.m | *.s | *.S | *.sx)
      sources+=("$arg") ;;
    *) fixed+=("$arg") ;;
    esac
  done
  [ ${#sources[@]} -gt 0 ] || exec "$@"
  # The sources after the flags: clang applies every flag to every source
  # wherever it stands, except -x, which the sources still follow.
  for source in "${sources[@]}"; do
    name=${source##*/}
    "${fixed[@]}" "$source" -o "${name%.*}.o" || exit
  done
  exit 0
fi

if $windows && ! $shared; then
  out_next=false
  for arg; do
    shift
    if $out_next; then
      case ${arg##*/} in *.*) ;; *) arg=$arg.exe ;; esac
      out_next=false
    fi
    case $arg in
    -o) out_next=true ;;
    -o*) case ${arg##*/} in *.*) ;; *) arg=$arg.exe ;; esac ;;
    esac
    set -- "$@" "$arg"
  done
fi
exec "$@"
