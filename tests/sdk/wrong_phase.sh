# Phase services are arguments of the callback of their phase, so a
# wrong-phase call is a compile error, not a call that silently does
# nothing. One toolchain source, compiled three ways against the source
# tree's ABI headers: as written (plan services used in plan) it compiles
# cleanly, which shows the failures below come from the wrong-phase line
# alone; with a plan service called from probe, or a probe service from
# plan, it does not compile, and the compiler names the missing member.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

cat >"$T/phases.c" <<'C'
#include <mbhost/toolchain.h>
#include <string.h>

static const mb_option options[] = {{0}};

static int probe(void *self, mb_call *call, const mb_probe_services *probe) {
  (void)self;
  probe->set_fact(call, "version", "1");
#ifdef PLAN_SERVICE_IN_PROBE
  const char *argv[] = {"true", NULL};
  probe->add_step(call, argv, 0);
#endif
  return MB_OK;
}

static int plan(void *self, mb_call *call, const mb_target *target,
                const mb_plan_services *plan) {
  (void)self, (void)target;
  const char *argv[] = {"true", NULL};
  plan->add_step(call, argv, 0);
  plan->add_output(call, "out", NULL, "file", MB_OUTPUT_OPTIONAL);
#ifdef PROBE_SERVICE_IN_PLAN
  plan->depends_on(call, "/bin/true");
#endif
  return MB_OK;
}

static const mb_toolchain toolchain = {
    .options = options, .probe = probe, .plan = plan};

static int init(const mb_host *host, mb_call *call, void **self) {
  (void)host, (void)call;
  *self = NULL;
  return MB_OK;
}

static const void *get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_TOOLCHAIN_INTERFACE) == 0 ? &toolchain : NULL;
}

static const mb_plugin descriptor = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_TOOLCHAIN,
    .id = "org.example.toolchain.phases",
    .name = "phases",
    .version = "1.0.0",
    .description = "a toolchain for the compile-fail test",
    .init = init,
    .get_interface = get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &descriptor : NULL;
}
C

# compile [-DNAME]: syntax-checks phases.c with the SDK tests' flags; the
# compiler's messages in $T/cc.log.
compile() {
  cc -fsyntax-only -std=c11 -Wall -Wextra -Werror \
    -I "$MBHOST_SOURCE_DIR/sdk-headers" "$@" "$T/phases.c" >"$T/cc.log" 2>&1
}

compile || { cat "$T/cc.log" >&2; fail "the control toolchain does not compile"; }
pass "plan services used in plan compile"

# expect_no_member DEFINE MEMBER: the variant fails, naming MEMBER as a
# member the struct does not have (gcc: "has no member named 'add_step'",
# clang: "no member named 'add_step' in ...").
expect_no_member() {
  if compile "-D$1"; then fail "-D$1 compiled: the wrong-phase call was accepted"; fi
  grep -qE "no member named .$2." "$T/cc.log" || { cat "$T/cc.log" >&2; fail "-D$1 failed for another reason"; }
  [ "$(grep -c 'error:' "$T/cc.log")" = 1 ] || { cat "$T/cc.log" >&2; fail "-D$1 has more than the one error"; }
}

expect_no_member PLAN_SERVICE_IN_PROBE add_step
pass "a plan service called from probe does not compile (no member named 'add_step')"
expect_no_member PROBE_SERVICE_IN_PLAN depends_on
pass "a probe service called from plan does not compile (no member named 'depends_on')"
