#include <stdio.h>

int main(void) {
  puts("hello from the progress test");
  return 0;
}
