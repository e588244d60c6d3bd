/* poagen init on a terminal: it asks for the facts the notice cannot give,
 * one by one, refuses answers that do not fit (dates must be YYYY-MM-DD,
 * the IP route one of its choices) and writes the answers into case.xml.
 * Driven through a pseudo-terminal, as a seller would type. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>

#include "common/testutil.h"

typedef struct {
    char seen[65536];
    size_t len;
} transcript;

/* Read from the terminal until the output ends with ": " (a prompt) or the
 * program ends; returns 0 at a prompt, -1 at the end. */
static int wait_prompt(int fd, transcript *t, size_t *prompt_start) {
    size_t start = t->len;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 10000) <= 0) {
            return -1;
        }
        ssize_t k = read(fd, t->seen + t->len, sizeof t->seen - 1 - t->len);
        if (k <= 0) {
            return -1;
        }
        t->len += (size_t)k;
        t->seen[t->len] = 0;
        if (t->len >= 2 && !strcmp(t->seen + t->len - 2, ": ")) {
            /* the prompt is the last line */
            size_t s = t->len;
            while (s > start && t->seen[s - 1] != '\n') {
                s--;
            }
            *prompt_start = s;
            return 0;
        }
    }
}

static void say(int fd, const char *line) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s\n", line);
    assert_int_equal(write(fd, buf, strlen(buf)), (ssize_t)strlen(buf));
}

static void test_prompts(void **state) {
    (void)state;
    const char *bin = getenv("POAGEN_BIN");
    const char *src = getenv("POAGEN_SOURCE_DIR");
    if (!bin || !src) {
        skip();
    }
    char *dir = test_mkdtemp();
    assert_non_null(dir);
    char case_dir[1024], notice[1024];
    snprintf(case_dir, sizeof case_dir, "%s/case", dir);
    snprintf(notice, sizeof notice, "%s/tests/notices/en/trademark-authenticity.txt",
             src);
    struct termios tio;
    memset(&tio, 0, sizeof tio);
    cfmakeraw(&tio);
    tio.c_lflag |=
        ICANON; /* line input, as on a terminal; no echo keeps the transcript clean */
    tio.c_iflag |= ICRNL;
    tio.c_oflag |= OPOST | ONLCR;
    int fd;
    pid_t pid = forkpty(&fd, NULL, &tio, NULL);
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(bin, bin, "init", case_dir, "--notice", notice, (char *)NULL);
        _exit(127);
    }
    transcript t = {{0}, 0};
    size_t at;
    int bad_date = 0, bad_choice = 0, evidence = 0, prompts = 0;
    while (wait_prompt(fd, &t, &at) == 0 && prompts < 60) {
        const char *p = t.seen + at;
        prompts++;
        if (strstr(p, "business name")) {
            say(fd, "Brouwer Outdoor B.V.");
        } else if (strstr(p, "e-mail")) {
            say(fd, "appeals@brouwer-outdoor.nl");
        } else if (strstr(p, "empty to skip")) {
            say(fd, "");
        } else if (strstr(p, "[remediate|dispute]")) {
            say(fd, bad_choice++ ? "remediate" : "maybe");
        } else if (strstr(p, "Its date")) {
            say(fd, "2026-11-10");
        } else if (strstr(p, "YYYY-MM-DD")) {
            say(fd, bad_date++ ? "2026-11-18" : "18/11/2026");
        } else if (strstr(p, "Evidence: ")) {
            say(fd,
                evidence++ ? "" : "Invoice 4471 from Nordlys Outdoor ApS for 240 units");
        } else if (strstr(p, "signs the appeal")) {
            say(fd, "Anke Brouwer");
        } else {
            say(fd, "We removed the listings on the day of the notice.");
        }
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(fd);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* The wrong answers were refused with the reason, then asked again. */
    assert_non_null(strstr(t.seen, "write the date as YYYY-MM-DD"));
    assert_non_null(strstr(t.seen, "answer one of: remediate|dispute"));
    assert_true(bad_date >= 2);
    assert_int_equal(bad_choice, 2);
    assert_int_equal(evidence, 2);

    char path[1100];
    snprintf(path, sizeof path, "%s/case.xml", case_dir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char xml[65536];
    size_t n = fread(xml, 1, sizeof xml - 1, f);
    xml[n] = 0;
    fclose(f);
    assert_non_null(strstr(xml, "<name>Brouwer Outdoor B.V.</name>"));
    assert_non_null(strstr(xml, "<email>appeals@brouwer-outdoor.nl</email>"));
    assert_null(strstr(xml, "<store>")); /* skipped: left out, no placeholder */
    assert_non_null(strstr(xml, "<fact name=\"ip_route\">remediate</fact>"));
    assert_non_null(strstr(xml, ">2026-11-18</fact>"));
    assert_null(strstr(xml, "18/11/2026"));
    assert_non_null(
        strstr(xml, "<item date=\"2026-11-10\">Invoice 4471 from Nordlys Outdoor ApS "
                    "for 240 units</item>"));
    assert_non_null(strstr(xml, "<name>Anke Brouwer</name>"));
    assert_null(strstr(xml, "[[TO FILL:"));
    assert_non_null(strstr(xml, "<cause>ip_trademark</cause>"));
    test_rmtree(dir);
    free(dir);
}

/* End of input leaves the remaining facts as placeholders, never guesses. */
static void test_end_of_input(void **state) {
    (void)state;
    const char *bin = getenv("POAGEN_BIN");
    const char *src = getenv("POAGEN_SOURCE_DIR");
    if (!bin || !src) {
        skip();
    }
    char *dir = test_mkdtemp();
    char case_dir[1024], notice[1024];
    snprintf(case_dir, sizeof case_dir, "%s/case", dir);
    snprintf(notice, sizeof notice, "%s/tests/notices/nl/metrics-deactivation.txt", src);
    int fd;
    pid_t pid = forkpty(&fd, NULL, NULL, NULL);
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(bin, bin, "init", case_dir, "--notice", notice, (char *)NULL);
        _exit(127);
    }
    transcript t = {{0}, 0};
    size_t at;
    assert_int_equal(wait_prompt(fd, &t, &at), 0);
    say(fd, "Van Dijk Webwinkel");
    assert_int_equal(wait_prompt(fd, &t, &at), 0);
    char eot = 4; /* Ctrl-D */
    assert_int_equal(write(fd, &eot, 1), 1);
    while (wait_prompt(fd, &t, &at) == 0) {
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(fd);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    char path[1100];
    snprintf(path, sizeof path, "%s/case.xml", case_dir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char xml[65536];
    size_t n = fread(xml, 1, sizeof xml - 1, f);
    xml[n] = 0;
    fclose(f);
    assert_non_null(strstr(xml, "<name>Van Dijk Webwinkel</name>"));
    assert_non_null(
        strstr(xml, "<name>[[TO FILL: The name that signs the appeal]]</name>"));
    test_rmtree(dir);
    free(dir);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_prompts),
                                       cmocka_unit_test(test_end_of_input)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
