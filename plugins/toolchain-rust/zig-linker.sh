#!/bin/sh
# The Rust toolchain's linker for `linker = zig`: rustc calls it as it would
# call gcc, and it runs `zig cc` for the target the plan named
# (MBHOST_ZIG_TARGET, with MBHOST_ZIG the zig program). For windows-gnu,
# rustc asks for MinGW's gcc runtime libraries by name; zig brings its own
# MinGW runtime and LLVM's unwinder instead, so those names are dropped or
# mapped (Debian's rustc also asks for libssp).
case $MBHOST_ZIG_TARGET in
*-windows-*)
  for arg do
    shift
    case $arg in
    -lgcc | -l:libpthread.a | -lmsvcrt | -lssp | -lssp_nonshared) ;;
    -lgcc_eh) set -- "$@" -lunwind ;;
    -Wl,--disable-auto-image-base) ;;
    *) set -- "$@" "$arg" ;;
    esac
  done
  ;;
esac
exec "$MBHOST_ZIG" cc -target "$MBHOST_ZIG_TARGET" "$@"
