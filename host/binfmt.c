#include "binfmt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* One CPU in every format that has a number for it (0: none). ELF tells
   the word size and byte order apart from the machine number, and Go's
   arch names include them (mips, mipsle, mips64, mips64le). */
typedef struct machine {
  const char *arch;  /* Go's name */
  const char *label; /* with its article, for messages */
  uint16_t elf;      /* e_machine */
  uint8_t elf_class; /* 1: 32-bit, 2: 64-bit */
  uint8_t elf_data;  /* 1: little-endian, 2: big-endian */
  uint32_t macho;    /* cputype */
  uint16_t pe;       /* IMAGE_FILE_MACHINE_* */
} machine;

static const machine machines[] = {
    {"amd64", "an x86-64", 62, 2, 1, 0x01000007, 0x8664},
    {"arm64", "an AArch64", 183, 2, 1, 0x0100000c, 0xaa64},
    {"386", "an i386", 3, 1, 1, 7, 0x14c},
    {"arm", "an ARM", 40, 1, 1, 12, 0x1c4},
    {"riscv64", "a RISC-V 64", 243, 2, 1, 0, 0x5064},
    {"ppc64le", "a little-endian PowerPC 64", 21, 2, 1, 0, 0},
    {"ppc64", "a big-endian PowerPC 64", 21, 2, 2, 0, 0},
    {"s390x", "an s390x", 22, 2, 2, 0, 0},
    {"mips", "a big-endian MIPS", 8, 1, 2, 0, 0},
    {"mipsle", "a little-endian MIPS", 8, 1, 1, 0, 0},
    {"mips64", "a big-endian MIPS64", 8, 2, 2, 0, 0},
    {"mips64le", "a little-endian MIPS64", 8, 2, 1, 0, 0},
    {"loong64", "a LoongArch64", 258, 2, 1, 0, 0},
    {"wasm", "a WebAssembly", 0, 0, 0, 0, 0},
};
#define NMACHINES (sizeof machines / sizeof *machines)

static const machine *machine_of_arch(const char *arch) {
  for (size_t i = 0; arch && i < NMACHINES; i++)
    if (strcmp(machines[i].arch, arch) == 0) return &machines[i];
  return NULL;
}

const char *binfmt_expected_format(const char *os, const char *arch) {
  const machine *m = machine_of_arch(arch);
  if (!m) return NULL;
  if (strcmp(arch, "wasm") == 0) return "WebAssembly";
  if (strcmp(os, "darwin") == 0 || strcmp(os, "ios") == 0)
    return m->macho ? "Mach-O" : NULL;
  if (strcmp(os, "windows") == 0) return m->pe ? "PE" : NULL;
  /* Plan 9 has its own a.out, AIX its XCOFF: not checked. */
  if (strcmp(os, "plan9") == 0 || strcmp(os, "aix") == 0) return NULL;
  return m->elf ? "ELF" : NULL;
}

static uint16_t rd16(const unsigned char *p, bool big) {
  return big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const unsigned char *p, bool big) {
  return big ? (uint32_t)rd16(p, true) << 16 | rd16(p + 2, true)
             : (uint32_t)rd16(p + 2, false) << 16 | rd16(p, false);
}

static uint64_t rd64(const unsigned char *p, bool big) {
  return big ? (uint64_t)rd32(p, true) << 32 | rd32(p + 4, true)
             : (uint64_t)rd32(p + 4, false) << 32 | rd32(p, false);
}

static bool read_at(int fd, uint64_t offset, void *buf, size_t len) {
  if (offset > (uint64_t)INT64_MAX - len) return false;
  ssize_t n = pread(fd, buf, len, (off_t)offset);
  return n == (ssize_t)len;
}

static const char *role_word(binfmt_role role) {
  switch (role) {
  case BINFMT_EXECUTABLE:
    return "executable";
  case BINFMT_LIBRARY:
    return "shared library";
  case BINFMT_OBJECT:
    return "object file";
  default:
    return "file";
  }
}

/* "an x86-64 ELF executable", or for an unknown machine "an ELF
   executable for machine 0x1234". */
static void describe(binfmt_info *info, const machine *m, unsigned number,
                     const char *role) {
  info->arch = m ? m->arch : NULL;
  if (m)
    snprintf(info->what, sizeof info->what, "%s %s %s", m->label, info->format,
             role);
  else
    snprintf(info->what, sizeof info->what, "a%s %s %s for machine 0x%x",
             strchr("AEIOU", info->format[0]) ? "n" : "", info->format, role,
             number);
}

/* Whether an ET_DYN file is a position-independent executable rather
   than a shared library: it asks for an interpreter, or its dynamic
   section carries DF_1_PIE (static PIEs have no interpreter). */
static bool elf_is_pie(int fd, const unsigned char *h, bool is64, bool big) {
  uint64_t phoff = is64 ? rd64(h + 32, big) : rd32(h + 28, big);
  uint16_t phentsize = rd16(h + (is64 ? 54 : 42), big);
  uint16_t phnum = rd16(h + (is64 ? 56 : 44), big);
  if (phentsize < (is64 ? 56 : 32) || phnum > 4096) return false;
  for (uint16_t i = 0; i < phnum; i++) {
    unsigned char ph[56];
    if (!read_at(fd, phoff + (uint64_t)i * phentsize, ph, is64 ? 56 : 32))
      return false;
    uint32_t type = rd32(ph, big);
    if (type == 3 /* PT_INTERP */) return true;
    if (type != 2 /* PT_DYNAMIC */) continue;
    uint64_t off = is64 ? rd64(ph + 8, big) : rd32(ph + 4, big);
    uint64_t size = is64 ? rd64(ph + 32, big) : rd32(ph + 16, big);
    size_t entry = is64 ? 16 : 8;
    for (uint64_t at = 0; at + entry <= size && at < (1u << 20); at += entry) {
      unsigned char dyn[16];
      if (!read_at(fd, off + at, dyn, entry)) return false;
      uint64_t tag = is64 ? rd64(dyn, big) : rd32(dyn, big);
      uint64_t val = is64 ? rd64(dyn + 8, big) : rd32(dyn + 4, big);
      if (tag == 0) break;
      if (tag == 0x6ffffffb /* DT_FLAGS_1 */ && (val & 0x08000000 /* PIE */))
        return true;
    }
  }
  return false;
}

static void read_elf(int fd, const unsigned char *h, size_t n,
                     binfmt_info *info) {
  info->format = "ELF";
  bool is64 = h[4] == 2, big = h[5] == 2;
  if (n < 52 || (h[4] != 1 && h[4] != 2) || (h[5] != 1 && h[5] != 2)) {
    snprintf(info->what, sizeof info->what, "a damaged ELF file");
    return;
  }
  uint16_t type = rd16(h + 16, big), number = rd16(h + 18, big);
  const machine *m = NULL;
  for (size_t i = 0; i < NMACHINES && !m; i++)
    if (machines[i].elf == number && machines[i].elf_class == h[4] &&
        machines[i].elf_data == h[5])
      m = &machines[i];
  const char *role = "file";
  if (type == 1) info->role = BINFMT_OBJECT, role = "object file";
  if (type == 2) info->role = BINFMT_EXECUTABLE, role = "executable";
  if (type == 3) {
    bool pie = n >= 64 && elf_is_pie(fd, h, is64, big);
    info->role = pie ? BINFMT_EXECUTABLE : BINFMT_LIBRARY;
    role = pie ? "executable" : "shared library";
  }
  if (type == 4) role = "core dump";
  describe(info, m, number, role);
}

static void read_macho_header(const unsigned char *h, bool big,
                              binfmt_info *info) {
  uint32_t cputype = rd32(h + 4, big), filetype = rd32(h + 12, big);
  const machine *m = NULL;
  for (size_t i = 0; i < NMACHINES && !m; i++)
    if (machines[i].macho && machines[i].macho == cputype) m = &machines[i];
  info->format = "Mach-O";
  info->role = filetype == 2                    ? BINFMT_EXECUTABLE
               : filetype == 6 || filetype == 8 ? BINFMT_LIBRARY
               : filetype == 1                  ? BINFMT_OBJECT
                                                : BINFMT_OTHER;
  describe(info, m, cputype,
           filetype == 8   ? "bundle"
           : filetype == 6 ? "dylib"
                           : role_word(info->role));
}

/* A universal file: the slice for `arch`, else a list of what it has. */
static void read_fat(int fd, const unsigned char *h, const char *arch,
                     binfmt_info *info) {
  bool is64 = h[3] == 0xbf;
  uint32_t count = rd32(h + 4, true);
  const machine *want = machine_of_arch(arch);
  char list[120] = "";
  for (uint32_t i = 0; i < count; i++) {
    unsigned char fa[32];
    size_t size = is64 ? 32 : 20;
    if (!read_at(fd, 8 + (uint64_t)i * size, fa, size)) break;
    uint32_t cputype = rd32(fa, true);
    uint64_t offset = is64 ? rd64(fa + 8, true) : rd32(fa + 8, true);
    unsigned char slice[16];
    if (want && want->macho == cputype && read_at(fd, offset, slice, 16) &&
        (rd32(slice, false) & 0xfffffffe) == 0xfeedface) {
      read_macho_header(slice, false, info);
      return;
    }
    const char *label = "another CPU";
    for (size_t k = 0; k < NMACHINES; k++)
      if (machines[k].macho && machines[k].macho == cputype)
        label = strchr(machines[k].label, ' ') + 1; /* without its article */
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
             i ? ", " : "", label);
  }
  info->format = "Mach-O";
  snprintf(info->what, sizeof info->what, "a universal Mach-O file of %s",
           list);
}

static void read_pe(int fd, const unsigned char *h, size_t n,
                    binfmt_info *info) {
  unsigned char pe[24];
  uint32_t at = n >= 64 ? rd32(h + 0x3c, false) : 0;
  if (!at || !read_at(fd, at, pe, sizeof pe) || memcmp(pe, "PE\0\0", 4)) {
    snprintf(info->what, sizeof info->what, "an MS-DOS executable");
    return;
  }
  info->format = "PE";
  uint16_t number = rd16(pe + 4, false), flags = rd16(pe + 22, false);
  const machine *m = NULL;
  for (size_t i = 0; i < NMACHINES && !m; i++)
    if (machines[i].pe && machines[i].pe == number) m = &machines[i];
  bool dll = flags & 0x2000, image = flags & 0x0002;
  info->role = dll ? BINFMT_LIBRARY : image ? BINFMT_EXECUTABLE : BINFMT_OTHER;
  describe(info, m, number, dll ? "DLL" : image ? "executable" : "file");
}

/* Text is what a file whose start has no NUL and few control bytes is. */
static bool looks_like_text(const unsigned char *h, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (h[i] == 0 || (h[i] < 0x20 && !strchr("\t\n\r\f\v\x1b", h[i])))
      return false;
  return true;
}

bool binfmt_read(const char *path, const char *arch, binfmt_info *info) {
  *info = (binfmt_info){.role = BINFMT_OTHER};
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  unsigned char h[512];
  ssize_t got = pread(fd, h, sizeof h, 0);
  if (got < 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return false;
  }
  size_t n = (size_t)got;
  uint32_t le = n >= 4 ? rd32(h, false) : 0, be = n >= 4 ? rd32(h, true) : 0;
  if (n == 0) {
    snprintf(info->what, sizeof info->what, "an empty file");
  } else if (n >= 16 && memcmp(h, "\177ELF", 4) == 0) {
    read_elf(fd, h, n, info);
  } else if (n >= 28 && (le & 0xfffffffe) == 0xfeedface) {
    read_macho_header(h, false, info);
  } else if (n >= 28 && (be & 0xfffffffe) == 0xfeedface) {
    read_macho_header(h, true, info);
  } else if (n >= 8 && (be == 0xcafebabe || be == 0xcafebabf) &&
             rd32(h + 4, true) < 32) {
    /* Java class files share the magic; their next word is >= 45. */
    read_fat(fd, h, arch, info);
  } else if (n >= 2 && h[0] == 'M' && h[1] == 'Z') {
    read_pe(fd, h, n, info);
  } else if (n >= 8 && memcmp(h, "\0asm\1\0\0\0", 8) == 0) {
    info->format = "WebAssembly", info->arch = "wasm";
    info->role = BINFMT_EXECUTABLE;
    snprintf(info->what, sizeof info->what, "a WebAssembly module");
  } else if (n >= 8 && memcmp(h, "!<arch>\n", 8) == 0) {
    info->role = BINFMT_ARCHIVE;
    snprintf(info->what, sizeof info->what, "an ar archive");
  } else if (n >= 2 && h[0] == '#' && h[1] == '!') {
    size_t len = strcspn((const char *)h + 2, "\n\r");
    snprintf(info->what, sizeof info->what, "a script (#!%.*s)",
             (int)(len < 60 ? len : 60), (const char *)h + 2);
  } else if (looks_like_text(h, n)) {
    snprintf(info->what, sizeof info->what, "a text file");
  } else {
    snprintf(info->what, sizeof info->what,
             "a file of unknown format (it starts with %02x %02x %02x %02x)",
             h[0], n > 1 ? h[1] : 0, n > 2 ? h[2] : 0, n > 3 ? h[3] : 0);
  }
  close(fd);
  return true;
}

char *binfmt_check(const char *path, const char *name, const char *kind,
                   const char *os, const char *arch) {
  bool binary = kind && strcmp(kind, "binary") == 0;
  bool library = kind && strcmp(kind, "library") == 0;
  const char *format = binfmt_expected_format(os, arch);
  if ((!binary && !library) || !format) return NULL;
  binfmt_info info;
  if (!binfmt_read(path, arch, &info))
    return xasprintf("cannot read %s: %s", path, strerror(errno));
  bool same_machine = info.format && strcmp(info.format, format) == 0 &&
                      info.arch && strcmp(info.arch, arch) == 0;
  const machine *m = machine_of_arch(arch);
  /* A library may also be a static one, whose members are not read. */
  if (library && (info.role == BINFMT_ARCHIVE ||
                  (same_machine && info.role != BINFMT_OTHER)))
    return NULL;
  if (binary && same_machine && info.role == BINFMT_EXECUTABLE) return NULL;
  const char *hint = "";
  if (binary && info.role == BINFMT_ARCHIVE)
    hint = " (a static library: with Go, is the package a main package?)";
  else if (binary && info.role == BINFMT_OBJECT)
    hint = " (the build compiled but did not link)";
  char *want = strcmp(format, "WebAssembly") == 0
                   ? xstrdup("a WebAssembly module")
                   : xasprintf("%s %s %s", m->label, format,
                               binary ? "executable" : "library");
  char *problem = xasprintf("%s is %s%s; %s/%s needs %s", name, info.what, hint,
                            os, arch, want);
  free(want);
  return problem;
}
