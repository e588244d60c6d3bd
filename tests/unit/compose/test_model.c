/* The data model's follow-up parts: the notice deadline, rule evidence
 * marked present or missing, the notice's figures beside ours, and the
 * flags of the marketplace's replies. Built on the late-shipment sample's
 * orders with case.xml variants; expectations counted by hand:
 * 2026-11-17 .. 2026-12-01 is 14 days; LSR over 30 days is 34/336 =
 * 0.10119, over 10 days 0.130435. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../common/testutil.h"
#include "poagen/batch.h"
#include "poagen/date.h"

static const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<case xmlns=\"urn:poagen:case:1\" version=\"1\">\n"
                          "  <seller><name>Test Ltd</name></seller>\n"
                          "  <marketplace>Amazon.co.uk</marketplace>\n"
                          "  <account status=\"deactivated\"/>\n";
static const char *tail = "  <signature><name>A B</name></signature>\n</case>\n";

typedef struct {
    poa_data *d;
    char *dir;
    poa_analysis a;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->d = test_load_data();
    f->dir = test_mkdtemp();
    const char *src = getenv("POAGEN_SOURCE_DIR");
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cp '%s/samples/late-shipment/orders.txt' '%s/' && mkdir '%s/ev'",
             src ? src : ".", f->dir, f->dir);
    if (!f->d || !f->dir || system(cmd) != 0) {
        return -1;
    }
    test_write(f->dir, "ev/settings.png", "png");
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    poa_analysis_free(&f->a);
    test_rmtree(f->dir);
    free(f->dir);
    poa_data_free(f->d);
    free(f);
    return 0;
}

/* Write case.xml with notice attributes, notice children and evidence,
 * then run the analysis up to the model. */
static json_t *run(fixture *f, const char *notice_attrs, const char *notice_body,
                   const char *evidence, int32_t as_of) {
    char xml[8192];
    snprintf(xml, sizeof xml,
             "%s  <notice date=\"2026-11-17\"%s>\n    <cause>lsr</cause>\n%s"
             "  </notice>\n  <evidence>\n%s  </evidence>\n%s",
             head, notice_attrs, notice_body, evidence, tail);
    test_write(f->dir, "case.xml", xml);
    poa_analysis_free(&f->a);
    poa_run_options o = {.as_of = as_of, .formats = POA_OUT_ALL, .creation_epoch = -1};
    poa_error e;
    if (poa_analysis_run(&f->a, f->dir, f->d, &o, &e) != POA_OK) {
        fprintf(stderr, "%s:%u: %s\n", e.file, e.line, e.message);
        return NULL;
    }
    return f->a.model;
}

static const char *jstr(json_t *o, const char *path) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = strtok(buf, "."); p && o; p = strtok(NULL, ".")) {
        o = json_is_array(o) ? json_array_get(o, (size_t)atoi(p)) : json_object_get(o, p);
    }
    return json_string_value(o);
}

static json_t *jget(json_t *o, const char *path) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = strtok(buf, "."); p && o; p = strtok(NULL, ".")) {
        o = json_is_array(o) ? json_array_get(o, (size_t)atoi(p)) : json_object_get(o, p);
    }
    return o;
}

static void deadline_counts_from_notice_or_as_of(void **state) {
    fixture *f = *state;
    json_t *m = run(f, " deadline=\"2026-12-01\"", "", "", POA_NO_DAY);
    assert_non_null(m);
    /* the data end on 2026-11-15, before the notice: counted from the notice */
    assert_string_equal(jstr(m, "notice.deadline.counted_from"), "2026-11-17");
    assert_int_equal(json_integer_value(jget(m, "notice.deadline.days_left")), 14);
    assert_true(json_is_true(jget(m, "notice.deadline.open")));
    int day;
    poa_parse_iso_day("2026-12-03", 10, 0, &day, NULL);
    m = run(f, " deadline=\"2026-12-01\"", "", "", day);
    assert_non_null(m);
    assert_string_equal(jstr(m, "notice.deadline.counted_from"), "2026-12-03");
    assert_true(json_is_true(jget(m, "notice.deadline.passed")));
    assert_int_equal(json_integer_value(jget(m, "notice.deadline.days_over")), 2);
    m = run(f, "", "", "", POA_NO_DAY);
    assert_true(json_is_null(jget(m, "notice.deadline.date")));
}

static void evidence_present_or_missing(void **state) {
    fixture *f = *state;
    json_t *m = run(
        f, "", "",
        "    <item answers=\"lsr_handling.1\" file=\"ev/settings.png\">Settings</item>\n"
        "    <item answers=\"lsr_handling.2\" file=\"ev/late.csv\">Late orders</item>\n"
        "    <item answers=\"lsr_weekend.1\">Rota, no file</item>\n"
        "    <item file=\"ev/settings.png\">A loose copy</item>\n"
        "    <item answers=\"lsr_weekend.1\" file=\"../orders.txt\">Outside</item>\n",
        POA_NO_DAY);
    assert_non_null(m);
    json_t *h = jget(m, "causes.lsr_handling.evidence"),
           *w = jget(m, "causes.lsr_weekend.evidence");
    assert_int_equal(json_array_size(h), 2);
    assert_string_equal(jstr(h, "0.id"), "lsr_handling.1");
    assert_true(json_is_true(jget(h, "0.present")));
    assert_true(json_is_true(jget(h, "1.missing"))); /* ev/late.csv does not exist */
    assert_true(json_is_true(jget(h, "1.file_missing")));
    assert_true(json_is_true(jget(w, "0.present"))); /* named, no file to check */
    assert_string_equal(jstr(w, "0.held"), "Rota, no file");
    assert_true(json_is_true(jget(m, "causes.lsr_confirmation.evidence.0.missing")));
    assert_true(json_is_null(jget(m, "causes.lsr_confirmation.evidence.0.held")));
    /* the loose copy answers nothing found; ../ never counts as present */
    assert_int_equal(json_array_size(jget(m, "other_evidence")), 1);
    assert_string_equal(jstr(m, "other_evidence.0.text"), "A loose copy");
    assert_true(json_is_true(jget(m, "evidence.4.missing")));
    /* Missing: lsr_handling.2 (its file is absent), lsr_confirmation.1 and
     * both texts of otdr_transit_promise (nothing answers them) = 4. */
    assert_true(json_is_true(jget(m, "causes.otdr_transit_promise.evidence.1.missing")));
    assert_int_equal(json_integer_value(jget(m, "evidence_missing")), 4);
}

static void notice_figures_beside_ours(void **state) {
    fixture *f = *state;
    json_t *m = run(f, "",
                    "    <figure metric=\"lsr\" rate=\"0.101\"/>\n"
                    "    <figure metric=\"lsr\" rate=\"0.112\"/>\n"
                    "    <figure metric=\"lsr\" rate=\"0.13\"/>\n"
                    "    <figure metric=\"lsr\" rate=\"0.1012\"/>\n",
                    "", POA_NO_DAY);
    assert_non_null(m);
    json_t *nf = jget(m, "notice_figures");
    assert_int_equal(json_array_size(nf), 4);
    /* 0.10119 reads as 0.101 (±0.0005) and as 0.1012 (±0.00005) */
    assert_true(json_is_false(jget(nf, "0.differs")));
    assert_true(json_is_null(jget(nf, "0.explanation")));
    assert_true(json_is_false(jget(nf, "3.differs")));
    /* 0.112 does not: the notice's date (11-17) is not our window's end (11-15) */
    assert_true(json_is_true(jget(nf, "1.differs")));
    assert_true(json_is_true(jget(nf, "1.reasons.as_of")));
    assert_int_equal(json_integer_value(jget(nf, "1.window.days")), 30);
    assert_non_null(strstr(jstr(nf, "1.explanation"), "11.2%"));
    assert_non_null(strstr(jstr(nf, "1.explanation"), "10.1%"));
    /* 0.13 is our 10-day figure: the windows differ */
    assert_true(json_is_true(jget(nf, "2.differs")));
    assert_int_equal(json_integer_value(jget(nf, "2.reasons.window.days")), 10);
    assert_non_null(strstr(jstr(nf, "2.explanation"), "13.0%"));
    assert_int_equal(json_array_size(jget(m, "notice_figures_differ")), 2);
}

static void reply_flags(void **state) {
    fixture *f = *state;
    json_t *m = run(f, "", "", "", POA_NO_DAY);
    assert_true(json_is_false(jget(m, "reply.later")));
    assert_int_equal(poa_model_reply_kinds(f->a.kase), 0);
    m = run(f, "",
            "    <reply date=\"2026-11-20\" kind=\"rejected\">No.</reply>\n"
            "    <reply date=\"2026-11-24\" kind=\"more-root-cause "
            "documents\">More.</reply>\n",
            "", POA_NO_DAY);
    assert_true(json_is_true(jget(m, "reply.later")));
    assert_true(json_is_true(jget(m, "reply.more_root_cause")));
    assert_true(json_is_true(jget(m, "reply.documents")));
    assert_true(json_is_false(jget(m, "reply.more_actions")));
    assert_string_equal(jstr(m, "reply.dates"), "2026-11-20, 2026-11-24");
    assert_string_equal(jstr(m, "reply.date"), "2026-11-24");
    assert_int_equal(poa_model_reply_kinds(f->a.kase), POA_REPLY_REJECTED |
                                                           POA_REPLY_MORE_ROOT_CAUSE |
                                                           POA_REPLY_DOCUMENTS);
}

/* The sample's findings: three late-shipment causes sharing one policy text
 * and the transit-time cause with its own, so two policies, each once, the
 * first and the last marked for the templates' list wording. */
static void policies_listed_once_with_ends_marked(void **state) {
    fixture *f = *state;
    json_t *m = run(f, "", "", "", POA_NO_DAY);
    json_t *list = jget(m, "policy_list");
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(jstr(list, "0.name"),
                        "Seller-Fulfilled Shipping policy and Account Health policies");
    assert_string_equal(jstr(list, "1.name"), "On-Time Delivery Rate policy");
    assert_true(json_is_true(jget(list, "0.first")));
    assert_true(json_is_false(jget(list, "0.last")));
    assert_true(json_is_false(jget(list, "1.first")));
    assert_true(json_is_true(jget(list, "1.last")));
    assert_string_equal(jstr(m, "policies"),
                        "Seller-Fulfilled Shipping policy and Account "
                        "Health policies, On-Time Delivery Rate policy");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deadline_counts_from_notice_or_as_of),
        cmocka_unit_test(evidence_present_or_missing),
        cmocka_unit_test(notice_figures_beside_ours),
        cmocka_unit_test(reply_flags),
        cmocka_unit_test(policies_listed_once_with_ends_marked),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
