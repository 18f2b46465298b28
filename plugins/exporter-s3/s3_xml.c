/* s3_xml: bounded reading of S3 XML responses (see s3_xml.h). */
#include "s3_xml.h"

#include <string.h>

/* A cursor over the body. */
typedef struct cursor {
  const char *p;
  const char *end;
} cursor;

/* Where the text of the element being read goes. */
typedef struct sink {
  char *out;
  size_t cap;
  size_t len;
} sink;

static int starts_with(const cursor *c, const char *s) {
  size_t n = strlen(s);
  return (size_t)(c->end - c->p) >= n && memcmp(c->p, s, n) == 0;
}

/* Moves past the next occurrence of `s`, or to the end. */
static void skip_past(cursor *c, const char *s) {
  size_t n = strlen(s);
  while (c->p < c->end) {
    if ((size_t)(c->end - c->p) >= n && memcmp(c->p, s, n) == 0) {
      c->p += n;
      return;
    }
    c->p++;
  }
}

static void sink_byte(sink *s, unsigned char b) {
  if (!s || s->len + 1 >= s->cap) return;
  if (b < 0x20 || b == 0x7f) b = ' '; /* values end up in messages */
  s->out[s->len++] = (char)b;
  s->out[s->len] = '\0';
}

static void sink_utf8(sink *s, unsigned long cp) {
  if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    sink_byte(s, '?');
  } else if (cp < 0x80) {
    sink_byte(s, (unsigned char)cp);
  } else if (cp < 0x800) {
    sink_byte(s, (unsigned char)(0xc0 | (cp >> 6)));
    sink_byte(s, (unsigned char)(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    sink_byte(s, (unsigned char)(0xe0 | (cp >> 12)));
    sink_byte(s, (unsigned char)(0x80 | ((cp >> 6) & 0x3f)));
    sink_byte(s, (unsigned char)(0x80 | (cp & 0x3f)));
  } else {
    sink_byte(s, (unsigned char)(0xf0 | (cp >> 18)));
    sink_byte(s, (unsigned char)(0x80 | ((cp >> 12) & 0x3f)));
    sink_byte(s, (unsigned char)(0x80 | ((cp >> 6) & 0x3f)));
    sink_byte(s, (unsigned char)(0x80 | (cp & 0x3f)));
  }
}

/* "&#NN;" / "&#xHH;" at c->p (after the '&#'): the code point, or -1. */
static long char_reference(cursor *c) {
  int base = 10;
  if (c->p < c->end && (*c->p == 'x' || *c->p == 'X')) {
    base = 16;
    c->p++;
  }
  unsigned long cp = 0;
  int digits = 0;
  for (; c->p < c->end && *c->p != ';'; c->p++, digits++) {
    char ch = *c->p;
    int v = ch >= '0' && ch <= '9'                 ? ch - '0'
            : base == 16 && ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
            : base == 16 && ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                                   : -1;
    if (v < 0 || digits > 8) return -1;
    cp = cp * (unsigned long)base + (unsigned long)v;
  }
  if (c->p >= c->end || digits == 0) return -1;
  c->p++; /* ';' */
  return (long)cp;
}

/* Decodes one entity at c->p ('&'); an unknown one is copied as is. */
static void read_entity(cursor *c, sink *s) {
  static const struct {
    const char *name;
    char value;
  } named[] = {{"&lt;", '<'},
               {"&gt;", '>'},
               {"&amp;", '&'},
               {"&quot;", '"'},
               {"&apos;", '\''}};
  for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
    if (starts_with(c, named[i].name)) {
      c->p += strlen(named[i].name);
      sink_byte(s, (unsigned char)named[i].value);
      return;
    }
  }
  if (starts_with(c, "&#")) {
    cursor probe = {c->p + 2, c->end};
    long cp = char_reference(&probe);
    if (cp >= 0) {
      c->p = probe.p;
      sink_utf8(s, (unsigned long)cp);
      return;
    }
  }
  sink_byte(s, '&');
  c->p++;
}

/* Reads character data up to the next '<' (or a CDATA section). */
static void read_text(cursor *c, sink *s) {
  while (c->p < c->end && *c->p != '<') {
    if (*c->p == '&') {
      read_entity(c, s);
    } else {
      sink_byte(s, (unsigned char)*c->p++);
    }
  }
}

static void read_cdata(cursor *c, sink *s) {
  c->p += strlen("<![CDATA[");
  while (c->p < c->end && !starts_with(c, "]]>")) {
    sink_byte(s, (unsigned char)*c->p++);
  }
  skip_past(c, "]]>");
}

/* A tag just after '<' (or "</"): copies its local name (after any
   "prefix:") into name[cap] and moves past the closing '>'. Returns 1 for
   a self-closing tag. */
static int read_tag(cursor *c, char *name, size_t cap) {
  const char *start = c->p;
  while (c->p < c->end && !strchr(" \t\r\n/>", *c->p))
    c->p++;
  const char *local = start;
  for (const char *q = start; q < c->p; q++) {
    if (*q == ':') local = q + 1;
  }
  size_t n = (size_t)(c->p - local);
  if (n >= cap) n = cap - 1;
  memcpy(name, local, n);
  name[n] = '\0';
  char quote = 0;
  int self_closing = 0;
  for (; c->p < c->end; c->p++) {
    char ch = *c->p;
    if (quote) {
      if (ch == quote) quote = 0;
    } else if (ch == '"' || ch == '\'') {
      quote = ch;
    } else if (ch == '>') {
      c->p++;
      return self_closing;
    } else {
      self_closing = ch == '/';
    }
  }
  return self_closing;
}

/* Points *s at the field of *out that a child of the root named `name`
   fills; 0 when there is none (or it was filled already). */
static int field_for(s3_xml_info *out, const char *name, sink *s) {
  static const struct {
    const char *name;
    size_t offset;
    size_t size;
  } fields[] = {
      {"Code", offsetof(s3_xml_info, code), sizeof out->code},
      {"Message", offsetof(s3_xml_info, message), sizeof out->message},
      {"UploadId", offsetof(s3_xml_info, upload_id), sizeof out->upload_id},
      {"ETag", offsetof(s3_xml_info, etag), sizeof out->etag},
  };
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    char *dst = (char *)out + fields[i].offset;
    if (strcmp(name, fields[i].name) == 0 && dst[0] == '\0') {
      *s = (sink){dst, fields[i].size, 0};
      return 1;
    }
  }
  return 0;
}

/* Removes leading and trailing blanks of a captured value. */
static void trim(char *s) {
  size_t n = strlen(s), start = 0;
  while (n > 0 && strchr(" \t\r\n", s[n - 1]))
    s[--n] = '\0';
  while (s[start] && strchr(" \t\r\n", s[start]))
    start++;
  memmove(s, s + start, n - start + 1);
}

int s3_xml_parse(const char *body, size_t len, s3_xml_info *out) {
  memset(out, 0, sizeof *out);
  cursor c = {body, body + len};
  int depth = 0;     /* elements open; the root is depth 1 */
  sink field = {0};  /* the root's child being captured, if any */
  int capturing = 0; /* depth at which `field` was opened, or 0 */
  int found_root = 0;
  while (c.p < c.end) {
    if (*c.p != '<') {
      read_text(&c, capturing && depth == capturing ? &field : NULL);
    } else if (starts_with(&c, "<?")) {
      skip_past(&c, "?>");
    } else if (starts_with(&c, "<!--")) {
      skip_past(&c, "-->");
    } else if (starts_with(&c, "<![CDATA[")) {
      read_cdata(&c, capturing && depth == capturing ? &field : NULL);
    } else if (starts_with(&c, "<!")) {
      skip_past(&c, ">");
    } else if (starts_with(&c, "</")) {
      char name[64];
      c.p += 2;
      read_tag(&c, name, sizeof name);
      if (capturing && capturing == depth) {
        capturing = 0;
        trim(field.out);
      }
      if (depth > 0) depth--;
      if (depth == 0 && found_root) break;
    } else {
      char name[64];
      c.p++;
      int self_closing = read_tag(&c, name, sizeof name);
      if (depth == 0 && !found_root) {
        found_root = 1;
        memcpy(out->root, name, sizeof out->root);
      } else if (depth == 1 && !self_closing && !capturing &&
                 field_for(out, name, &field)) {
        capturing = depth + 1;
      }
      if (!self_closing) depth++;
      if (depth == 0 && found_root) break;
    }
  }
  if (capturing) trim(field.out);
  return found_root ? 0 : -1;
}
