/* The export journal across SIGKILL: a child process runs an export
   through the journal and kills itself (SIGKILL) at the Kth point; for
   every K, recovery must leave the output folder exactly as it was before
   (killed before the commit record) or exactly as the export made it
   (after), with no file of the journal's left, and another project's file
   untouched. Then the in-process rollback of a failed export. */
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "journal.h"
#include "util.h"

static char root[] = "/tmp/mbhost-test-journal.XXXXXX";
static char *out, *state, *projects;
static int kill_at, points;
/* export_child's points: the one after journal_commit, and how many. */
enum { COMMIT_POINT = 9, POINTS = 11 };

static void point(void) {
  if (points++ == kill_at) kill(getpid(), SIGKILL);
}

static void put(const char *rel, const char *text) {
  char *path = path_join(out, rel);
  char *dir = path_dirname(path);
  mkdir_parents(dir);
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
  free(dir), free(path);
}

static strbuf tree;
static int visit(const char *path, const struct stat *st, int flag,
                 struct FTW *ftw) {
  (void)ftw;
  strbuf_printf(&tree, "%s %c", path + strlen(out), flag == FTW_F ? 'f' : 'd');
  if (flag == FTW_F) {
    FILE *f = fopen(path, "r");
    char buf[256] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    strbuf_printf(&tree, " %s", buf);
  }
  strbuf_puts(&tree, "\n");
  (void)st;
  return 0;
}

/* Every path and content under out, sorted by nftw's order per folder. */
static char *snapshot(void) {
  tree = (strbuf){0};
  nftw(out, visit, 16, FTW_PHYS);
  return tree.data ? tree.data : xstrdup("");
}

static void old_state(void) {
  remove_tree(out);
  put("a", "old a");
  put("sub/b", "old b");
  put("other-project", "not ours");
  put("artifacts.json", "old report");
}

static void write_temp(journal *j, const char *rel, const char *text) {
  char *dst = path_join(out, rel), *tmp;
  int fd = journal_temp(j, dst, &tmp);
  if (fd < 0) _exit(3);
  point();
  if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) _exit(3);
  close(fd);
  point();
  if (journal_rename(j, tmp, dst) != 0) _exit(3);
  free(tmp), free(dst);
}

/* The export a run makes: replaces a and sub/b, adds new/dir/c, then the
   report. */
static void export_child(const char *src) {
  journal *j = journal_begin(state, out);
  if (!j) _exit(3);
  point();
  char *a = path_join(out, "a"), *c = path_join(out, "new/dir/c");
  if (journal_copy(j, src, a) != 0) _exit(3);
  point();
  write_temp(j, "sub/b", "new b");
  point();
  if (journal_copy(j, src, c) != 0) _exit(3);
  point();
  write_temp(j, "artifacts.json", "new report");
  point();
  if (journal_commit(j) != 0) _exit(3);
  point();
  journal_end(j);
  point();
  _exit(0);
}

int main(void) {
  if (!mkdtemp(root)) return 1;
  out = path_join(root, "out");
  projects = path_join(root, "projects");
  state = path_join(projects, "p-0123");
  mkdir_parents(state);
  char *src = path_join(root, "src");
  FILE *f = fopen(src, "w");
  fputs("new", f);
  fclose(f);

  /* The two states every kill must end in. */
  old_state();
  char *before = snapshot();
  kill_at = -1;
  pid_t pid = fork();
  if (pid == 0) export_child(src);
  int status;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  char *after = snapshot();
  CHECK(strcmp(before, after) != 0);
  CHECK_CONTAINS(after, "/new/dir/c f new");
  CHECK_CONTAINS(after, "/other-project f not ours");

  int killed = 0;
  for (kill_at = 0;; kill_at++) {
    old_state();
    points = 0;
    pid = fork();
    if (pid == 0) export_child(src);
    waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status)) break;
    killed++;
    CHECK(journal_recover(projects, out) == 0);
    char *now = snapshot();
    bool committed = kill_at >= COMMIT_POINT;
    CHECK(strcmp(now, committed ? after : before) == 0);
    if (strcmp(now, committed ? after : before) != 0)
      fprintf(stderr, "killed at point %d:\n%s\nwant:\n%s\n", kill_at, now,
              committed ? after : before);
    CHECK(!strstr(now, ".mbhost-"));
    char *journal = path_join(state, "export-journal");
    CHECK(access(journal, F_OK) != 0);
    free(journal);
    free(now);
  }
  CHECK(killed == POINTS);

  /* A live run's journal is not recovered by another run. */
  old_state();
  journal *j = journal_begin(state, out);
  CHECK(j != NULL);
  char *a = path_join(out, "a");
  CHECK(journal_copy(j, src, a) == 0);
  pid = fork();
  if (pid == 0) _exit(journal_recover(projects, out) == 0 ? 0 : 1);
  waitpid(pid, &status, 0);
  char *now = snapshot();
  CHECK(strstr(now, "/a f new") != NULL);
  free(now);
  /* Its rollback in-process: the old state, the other project's file. */
  CHECK(journal_end(j) == 0);
  now = snapshot();
  CHECK(strcmp(now, before) == 0);
  free(now);

  /* The first export ever: the run created the output folder, which goes
     away with the rollback. */
  remove_tree(out);
  pid = fork();
  if (pid == 0) {
    journal *first = journal_begin(state, out);
    if (!first || journal_copy(first, src, a) != 0) _exit(3);
    kill(getpid(), SIGKILL);
  }
  waitpid(pid, &status, 0);
  CHECK(WIFSIGNALED(status));
  CHECK(access(a, F_OK) == 0);
  CHECK(journal_recover(projects, out) == 0);
  CHECK(access(out, F_OK) != 0);

  free(a), free(before), free(after), free(src);
  remove_tree(root);
  free(out), free(state), free(projects);
  return check_summary();
}
