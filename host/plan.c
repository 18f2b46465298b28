#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include <mbhost/toolchain.h>

extern char **environ;

static bool env_name_matches(const char *entry, const char *name) {
  size_t n = strlen(name);
  return strncmp(entry, name, n) == 0 && (entry[n] == '=' || entry[n] == '\0');
}

void plan_set_env(plan *p, const char *name, const char *value) {
  for (size_t i = 0; i < p->env.len; i++)
    if (env_name_matches(p->env.items[i], name)) {
      free(p->env.items[i]);
      p->env.items[i] = value ? xasprintf("%s=%s", name, value) : xstrdup(name);
      return;
    }
  strvec_push_owned(&p->env,
                    value ? xasprintf("%s=%s", name, value) : xstrdup(name));
}

void plan_add_step(plan *p, const char *const *argv, bool parallel) {
  p->steps = xrealloc(p->steps, (p->nsteps + 1) * sizeof *p->steps);
  plan_step *s = &p->steps[p->nsteps++];
  *s = (plan_step){.parallel = parallel};
  for (size_t i = 0; argv[i]; i++)
    strvec_push(&s->argv, argv[i]);
}

void plan_set_tree_reads(plan *p, const char *tree, const char *const *always,
                         const char *const *argv) {
  free(p->reads_tree);
  strvec_free(&p->reads_always);
  strvec_free(&p->reads_argv);
  p->reads_tree = xstrdup(tree);
  for (size_t i = 0; always && always[i]; i++)
    strvec_push(&p->reads_always, always[i]);
  for (size_t i = 0; argv[i]; i++)
    strvec_push(&p->reads_argv, argv[i]);
}

void plan_complete(plan *p) {
  if (!p->reads_argv.len) return;
  plan_add_step(p, (const char *const *)p->reads_argv.items, false);
  p->steps[p->nsteps - 1].tree_reads = true;
  strvec_free(&p->reads_argv);
}

void plan_add_output(plan *p, const char *name, const char *from,
                     const char *kind, uint32_t flags) {
  p->outputs = xrealloc(p->outputs, (p->noutputs + 1) * sizeof *p->outputs);
  p->outputs[p->noutputs++] = (plan_output){
      .name = xstrdup(name),
      .from = from ? xstrdup(from) : xasprintf("{staging}/%s", name),
      .kind = xstrdup(kind && *kind ? kind : "file"),
      .optional = (flags & MB_OUTPUT_OPTIONAL) != 0,
      .glob = (flags & MB_OUTPUT_GLOB) != 0};
}

void plan_free(plan *p) {
  strvec_free(&p->env);
  free(p->workdir);
  free(p->image);
  for (size_t i = 0; i < p->nsteps; i++)
    strvec_free(&p->steps[i].argv);
  free(p->steps);
  for (size_t i = 0; i < p->noutputs; i++) {
    free(p->outputs[i].name);
    free(p->outputs[i].from);
    free(p->outputs[i].kind);
  }
  free(p->outputs);
  free(p->reads_tree);
  strvec_free(&p->reads_always);
  strvec_free(&p->reads_argv);
  *p = (plan){0};
}

static void replace_all(strbuf *out, const char *text, const char *token,
                        const char *value) {
  size_t n = strlen(token);
  for (const char *p = text; *p;) {
    const char *hit = strstr(p, token);
    if (!hit) {
      strbuf_puts(out, p);
      break;
    }
    strbuf_add(out, p, (size_t)(hit - p));
    strbuf_puts(out, value);
    p = hit + n;
  }
}

char *plan_expand(const char *text, const char *staging, const char *scratch,
                  const char *jobs) {
  const char *tokens[] = {"{staging}", "{scratch}", "{jobs}"};
  const char *values[] = {staging, scratch, jobs};
  char *current = xstrdup(text);
  for (size_t i = 0; i < 3; i++) {
    if (!values[i]) continue;
    strbuf next = {0};
    strbuf_puts(&next, "");
    replace_all(&next, current, tokens[i], values[i]);
    free(current);
    current = next.data;
  }
  return current;
}

void plan_child_env(const plan *p, const char *staging, const char *scratch,
                    const char *jobs, strvec *out) {
  for (char **e = environ; *e; e++) {
    bool overridden = false;
    for (size_t i = 0; i < p->env.len && !overridden; i++) {
      const char *eq = strchr(p->env.items[i], '=');
      size_t n = eq ? (size_t)(eq - p->env.items[i]) : strlen(p->env.items[i]);
      overridden = strncmp(*e, p->env.items[i], n) == 0 && (*e)[n] == '=';
    }
    if (!overridden) strvec_push(out, *e);
  }
  for (size_t i = 0; i < p->env.len; i++)
    if (strchr(p->env.items[i], '='))
      strvec_push_owned(out,
                        plan_expand(p->env.items[i], staging, scratch, jobs));
}

void plan_print(const plan *p, FILE *out) {
  fprintf(out, "  workdir: %s\n", p->workdir ? p->workdir : "(source)");
  if (p->image) fprintf(out, "  image: %s\n", p->image);
  for (size_t i = 0; i < p->env.len; i++)
    fprintf(out, "  env: %s%s\n", p->env.items[i],
            strchr(p->env.items[i], '=') ? "" : " (removed)");
  for (size_t i = 0; i < p->nsteps; i++) {
    fprintf(out, "  step %zu%s:", i + 1,
            p->steps[i].parallel ? " (parallel)" : "");
    for (size_t a = 0; a < p->steps[i].argv.len; a++) {
      const char *arg = p->steps[i].argv.items[a];
      bool quote = !*arg || strpbrk(arg, " \t\"'\\$") != NULL;
      fprintf(out, quote ? " '%s'" : " %s", arg);
    }
    if (p->steps[i].tree_reads) fprintf(out, " > %s", PLAN_TREE_READS_FILE);
    fputc('\n', out);
  }
  for (size_t i = 0; i < p->noutputs; i++)
    fprintf(out, "  output: %s (%s%s%s) <- %s\n", p->outputs[i].name,
            p->outputs[i].kind, p->outputs[i].optional ? ", optional" : "",
            p->outputs[i].glob ? ", glob" : "", p->outputs[i].from);
}
