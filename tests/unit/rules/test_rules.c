/* The shipped rule table: it validates against rules.xsd, `rules check`
 * finds nothing wrong with it, and the check catches planted problems. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/testutil.h"
#include "poagen/buf.h"
#include "poagen/rules.h"

static void count_warning(const poa_error *w, void *payload) {
    (void)w;
    (*(size_t *)payload)++;
}

static char *read_rules(void) {
    char path[1024];
    snprintf(path, sizeof path, "%s/rules.xml", test_data_dir());
    poa_buf b = POA_BUF_INIT;
    poa_error e;
    assert_int_equal(poa_buf_read_file(&b, path, 1 << 24, &e), POA_OK);
    return b.data;
}

/* Replace the first occurrence of from (must exist) by to. */
static char *replace(const char *s, const char *from, const char *to) {
    const char *at = strstr(s, from);
    assert_non_null(at);
    size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    return out;
}

static size_t check_table(const char *text, poa_status *st) {
    char *dir = test_mkdtemp();
    test_write(dir, "rules.xml", text);
    char path[1024];
    snprintf(path, sizeof path, "%s/rules.xml", dir);
    poa_data *d = test_load_data();
    assert_non_null(d);
    poa_data probe = *d;
    poa_error e;
    size_t problems = 0, warnings = 0;
    *st = poa_rules_table_load(&probe, path, &e);
    if (*st == POA_OK) {
        poa_warner w = {count_warning, &warnings};
        problems = poa_rules_check(&probe, &w);
        assert_int_equal(problems, warnings); /* each problem is reported */
    }
    poa_data_free(d);
    test_rmtree(dir);
    free(dir);
    return problems;
}

static void test_shipped_table_is_clean(void **state) {
    (void)state;
    poa_data *d = test_load_data(); /* validates against rules.xsd */
    assert_non_null(d);
    size_t warnings = 0;
    poa_warner w = {count_warning, &warnings};
    assert_int_equal(poa_rules_check(d, &w), 0);
    assert_int_equal(warnings, 0);
    /* Every cause SPEC names is in the table. */
    static const char *const ids[] = {"lsr_handling",
                                      "lsr_weekend",
                                      "lsr_confirmation",
                                      "lsr_carrier",
                                      "cr_stockout",
                                      "cr_pricing",
                                      "cr_address",
                                      "odr_communication",
                                      "odr_not_as_described",
                                      "odr_damaged",
                                      "odr_not_received",
                                      "odr_counterfeit",
                                      "vtr_not_uploaded",
                                      "vtr_untracked_carrier",
                                      "rdr_late_answer",
                                      "rdr_invalid_rejection",
                                      "policy_authenticity",
                                      "policy_safety",
                                      "policy_condition",
                                      "policy_expired",
                                      "policy_restricted",
                                      "policy_promotional_media",
                                      "policy_misleading_listing",
                                      "policy_review_manipulation",
                                      "policy_buyer_communication",
                                      "policy_suspected_fraud",
                                      "policy_related_accounts",
                                      "policy_verification",
                                      "ip_remediate",
                                      "ip_dispute",
                                      NULL};
    for (size_t i = 0; ids[i]; i++) {
        if (!poa_data_cause(d, ids[i])) {
            fail_msg("cause %s missing", ids[i]);
        }
    }
    /* Themes: at least the eight SPEC and the seeds name. */
    assert_true(d->nthemes >= 8);
    poa_data_free(d);
}

static void test_planted_problems(void **state) {
    (void)state;
    char *rules = read_rules();
    poa_status st;
    assert_int_equal(check_table(rules, &st), 0);
    assert_int_equal(st, POA_OK);
    /* A Chinese title dropped. */
    const char *zh =
        "<text xml:lang=\"zh\">配送准备时间短于我们的发货流程所需时间</text>";
    char *planted = replace(rules, zh, "");
    assert_int_equal(check_table(planted, &st), 1);
    free(planted);
    /* A detection condition on a driver the diagnosis never computes. */
    planted = replace(rules, "driver=\"short_handling_share\"",
                      "driver=\"short_handlng_share\"");
    assert_int_equal(check_table(planted, &st), 1);
    free(planted);
    /* A text that is not a valid template. */
    planted = replace(rules, "{{late}} late orders, {{short_late}}",
                      "{{#late}} late orders, {{short_late}}");
    assert_true(check_table(planted, &st) >= 1);
    free(planted);
    /* Names a text's tags use that the cause does not have, each printing
     * as nothing: a misspelt figure, a percentage of no figure, a fact the
     * cause does not ask for, a section on no figure. */
    static const char *const misnamed[][2] = {
        {"{{offday_late}}", "{{offday_lat}}"},
        {"{{offday_share_pct}}", "{{offday_shar_pct}}"},
        {"{{facts.weekend_cover_from}}", "{{facts.weekend_cover_form}}"},
        {"{{from}}", "{{frm}}"},
        {"{{#top_defect_sku}}; most concerned {{top_defect_sku}}{{/top_defect_sku}}",
         "{{#top_defect_skus}}; most concerned {{top_defect_sku}}{{/top_defect_skus}}"}};
    for (size_t i = 0; i < sizeof misnamed / sizeof *misnamed; i++) {
        planted = replace(rules, misnamed[i][0], misnamed[i][1]);
        assert_int_equal(check_table(planted, &st), 1);
        assert_int_equal(st, POA_OK);
        free(planted);
    }
    /* An unknown element is refused by the schema. */
    planted = replace(rules, "<settings ", "<bogus/><settings ");
    check_table(planted, &st);
    assert_int_not_equal(st, POA_OK);
    free(planted);
    free(rules);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_table_is_clean),
        cmocka_unit_test(test_planted_problems),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
