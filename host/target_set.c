#include "target_set.h"

const char *target_status_name(target_status s) {
  static const char *const names[] = {
      [TARGET_PENDING] = "pending",        [TARGET_UNSUPPORTED] = "unsupported",
      [TARGET_FAILED] = "failed",          [TARGET_OK] = "ok",
      [TARGET_SKIPPED] = "skipped",        [TARGET_TIMED_OUT] = "timed_out",
      [TARGET_INTERRUPTED] = "interrupted"};
  return names[s];
}

size_t target_set_count(const target_set *ts, target_status s) {
  size_t n = 0;
  for (size_t i = 0; i < ts->len; i++)
    n += ts->items[i].status == s;
  return n;
}
