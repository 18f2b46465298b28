/* The Rust plugin's tables, triple checks, and cargo metadata and
   manifest reading. */
#include <mbhost/plugin.h>
#include <stdlib.h>

#include "check.h"
#include "manifest.h"
#include "metadata.h"
#include "triples.h"

static void test_triples(void) {
  CHECK_STR(rust_triple_for("linux/amd64"), "x86_64-unknown-linux-gnu");
  CHECK_STR(rust_triple_for("linux/arm64"), "aarch64-unknown-linux-gnu");
  CHECK_STR(rust_triple_for("linux/386"), "i686-unknown-linux-gnu");
  CHECK_STR(rust_triple_for("linux/arm"), "armv7-unknown-linux-gnueabihf");
  CHECK_STR(rust_triple_for("linux/riscv64"), "riscv64gc-unknown-linux-gnu");
  CHECK_STR(rust_triple_for("windows/amd64"), "x86_64-pc-windows-gnu");
  CHECK_STR(rust_triple_for("windows/arm64"), "aarch64-pc-windows-gnullvm");
  CHECK_STR(rust_triple_for("darwin/amd64"), "x86_64-apple-darwin");
  CHECK_STR(rust_triple_for("darwin/arm64"), "aarch64-apple-darwin");
  CHECK_STR(rust_triple_for("freebsd/amd64"), "x86_64-unknown-freebsd");
  CHECK(rust_triple_for("plan9/amd64") == NULL);
  CHECK(rust_triple_for("linux") == NULL);
}

static void test_linkers(void) {
  const rust_linker *arm = rust_linker_for("aarch64-unknown-linux-gnu");
  CHECK(arm != NULL);
  if (arm) {
    CHECK_STR(arm->program, "aarch64-linux-gnu-gcc");
    CHECK_STR(arm->package, "gcc-aarch64-linux-gnu");
    CHECK_STR(arm->libc_package, "libc6-dev-arm64-cross");
    CHECK_STR(arm->zig_target, "aarch64-linux-gnu");
    CHECK_STR(arm->std_package, "libstd-rust-dev:arm64");
  }
  const rust_linker *win = rust_linker_for("x86_64-pc-windows-gnu");
  CHECK(win != NULL);
  if (win) {
    CHECK_STR(win->program, "x86_64-w64-mingw32-gcc");
    CHECK_STR(win->package, "gcc-mingw-w64-x86-64");
    CHECK(win->libc_package == NULL);
    CHECK_STR(win->zig_target, "x86_64-windows-gnu");
    CHECK_STR(win->std_package, "libstd-rust-dev-windows");
  }
  const rust_linker *mac = rust_linker_for("aarch64-apple-darwin");
  CHECK(mac != NULL && mac->package == NULL);
  if (mac) {
    CHECK_STR(mac->zig_target, "aarch64-macos");
    CHECK(mac->std_package == NULL);
  }
  const rust_linker *wasm = rust_linker_for("wasm32-wasip1");
  CHECK(wasm != NULL && wasm->program[0] == '\0');
  CHECK(wasm != NULL && wasm->zig_target == NULL);
  CHECK(rust_linker_for("sparc64-unknown-openbsd") == NULL);

  char buf[64];
  const char *name = buf; /* check.h takes pointers */
  CHECK(rust_linker_env_name("x86_64-pc-windows-gnu", buf, sizeof buf) == 0);
  CHECK_STR(name, "CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER");
  CHECK(rust_linker_env_name("thumbv7em-none-eabihf.v2", buf, sizeof buf) == 0);
  CHECK_STR(name, "CARGO_TARGET_THUMBV7EM_NONE_EABIHF_V2_LINKER");
  CHECK(rust_linker_env_name("x86_64-pc-windows-gnu", buf, 20) == -1);
}

static void test_suffixes_and_profiles(void) {
  CHECK_STR(rust_exe_suffix("x86_64-pc-windows-gnu"), ".exe");
  CHECK_STR(rust_exe_suffix("aarch64-pc-windows-gnullvm"), ".exe");
  CHECK_STR(rust_exe_suffix("wasm32-wasip1"), ".wasm");
  CHECK_STR(rust_exe_suffix("aarch64-unknown-linux-gnu"), "");
  CHECK_STR(rust_profile_dir("release"), "release");
  CHECK_STR(rust_profile_dir("dev"), "debug");
  CHECK_STR(rust_profile_dir("test"), "debug");
  CHECK_STR(rust_profile_dir("bench"), "release");
  CHECK_STR(rust_profile_dir("dist"), "dist");
}

/* A workspace: two default members with bins, one member that is not a
   default member, and a library-only package. */
static const char workspace[] =
    "{\"packages\":["
    " {\"id\":\"a 0.1\",\"targets\":["
    "   {\"name\":\"alpha\",\"kind\":[\"bin\"]},"
    "   {\"name\":\"a\",\"kind\":[\"lib\"]},"
    "   {\"name\":\"alpha-tool\",\"kind\":[\"bin\"]}]},"
    " {\"id\":\"b 0.1\",\"targets\":[{\"name\":\"beta\",\"kind\":[\"bin\"]}]},"
    " {\"id\":\"c 0.1\",\"targets\":[{\"name\":\"c\",\"kind\":[\"lib\"]}]},"
    " {\"id\":\"x 0.1\",\"targets\":[{\"name\":\"extra\",\"kind\":[\"bin\"]}]}"
    "],\"workspace_default_members\":[\"a 0.1\",\"b 0.1\",\"c 0.1\"]}";

static void test_metadata(void) {
  char **names, buf[256];
  const char *err = buf; /* check.h takes pointers */
  size_t n;
  CHECK(cargo_bins_from_metadata(workspace, &names, &n, buf, sizeof buf) ==
        MB_OK);
  CHECK(n == 3);
  if (n == 3) {
    CHECK_STR(names[0], "alpha");
    CHECK_STR(names[1], "alpha-tool");
    CHECK_STR(names[2], "beta");
  }
  cargo_bins_free(names, n);

  /* Older cargo lists no default members: every package counts. */
  CHECK(cargo_bins_from_metadata(
            "{\"packages\":[{\"id\":\"x\",\"targets\":[{\"name\":\"x\","
            "\"kind\":[\"bin\"]}]}]}",
            &names, &n, buf, sizeof buf) == MB_OK);
  CHECK(n == 1 && strcmp(names[0], "x") == 0);
  cargo_bins_free(names, n);

  CHECK(cargo_bins_from_metadata("{\"packages\":[]}", &names, &n, buf,
                                 sizeof buf) == MB_OK);
  CHECK(n == 0 && names == NULL);

  CHECK(cargo_bins_from_metadata("warning: not json", &names, &n, buf,
                                 sizeof buf) == MB_ERROR);
  CHECK_CONTAINS(err, "cargo metadata printed no package list");
  CHECK(names == NULL && n == 0);
  CHECK(cargo_bins_from_metadata("{\"version\":1}", &names, &n, buf,
                                 sizeof buf) == MB_ERROR);
  CHECK_CONTAINS(err, "no \"packages\" array");
}

static void test_triple_shapes(void) {
  CHECK(rust_triple_is_well_formed("x86_64-unknown-linux-gnu"));
  CHECK(rust_triple_is_well_formed("armv7-unknown-linux-gnueabihf"));
  CHECK(rust_triple_is_well_formed("aarch64-apple-darwin"));
  CHECK(rust_triple_is_well_formed("aarch64-kmc-solid_asp3"));
  CHECK(rust_triple_is_well_formed("wasm32-wasip1"));
  CHECK(!rust_triple_is_well_formed(""));
  CHECK(!rust_triple_is_well_formed("x86_64"));
  CHECK(!rust_triple_is_well_formed("x86_64_unknown_linux_gnu"));
  CHECK(!rust_triple_is_well_formed("x86_64-unknown--gnu"));
  CHECK(!rust_triple_is_well_formed("x86_64-unknown-linux-"));
  CHECK(!rust_triple_is_well_formed("-unknown-linux-gnu"));
  CHECK(!rust_triple_is_well_formed("64bit-unknown-linux"));
  CHECK(!rust_triple_is_well_formed("x86_64-unknown-linux-gnu-extra"));
  CHECK(!rust_triple_is_well_formed("x86_64 unknown linux"));
  CHECK(!rust_triple_is_well_formed("./my-target.json"));
}

static void test_manifest(void) {
  char name[64] = "";
  const char *got = name; /* check.h takes pointers */
  CHECK(rust_manifest_name("[package]\nname = \"hello-rust\"\nversion = "
                           "\"0.1.0\"\n\n[dependencies]\n",
                           name, sizeof name));
  CHECK_STR(got, "hello-rust");
  CHECK(rust_manifest_name("[workspace]\nmembers = []\n\n[package]\n"
                           "  name='tool'\n",
                           name, sizeof name));
  CHECK_STR(got, "tool");
  /* A name in another table is not the package's. */
  CHECK(!rust_manifest_name("[package]\nversion = \"1\"\n[[bin]]\nname = "
                            "\"other\"\n",
                            name, sizeof name));
  CHECK(!rust_manifest_name("[workspace]\nmembers = [\"a\"]\n", name,
                            sizeof name));
  CHECK(
      !rust_manifest_name("[package]\nnamespace = \"x\"\n", name, sizeof name));
}

int main(void) {
  test_triples();
  test_triple_shapes();
  test_manifest();
  test_linkers();
  test_suffixes_and_profiles();
  test_metadata();
  return check_summary();
}
