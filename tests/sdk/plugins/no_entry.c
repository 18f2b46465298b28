/* A shared library that is not an mbhost plugin: it exports a function, but
   not mbhost_plugin_entry. The host must refuse it and name the symbol. */
#include <mbhost/plugin.h>

MB_EXPORT int some_other_library_function(void) {
  return 42;
}
