#include "poagen/compose.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "poagen/date.h"
#include "poagen/mustache.h"

static const char *const supported_langs[] = {"en", "nl", "sv", "es", "da", "zh", NULL};

static int supported(const char *lang) {
    for (size_t i = 0; lang && supported_langs[i]; i++) {
        if (strcmp(lang, supported_langs[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

const char *poa_compose_language(const poa_case *c, const char *override) {
    if (supported(override)) {
        return override;
    }
    if (c && c->info.language && supported(c->info.language)) {
        return c->info.language;
    }
    if (c && c->marketplace && supported(c->marketplace->language)) {
        return c->marketplace->language;
    }
    return "en";
}

static json_t *day_or_null(int32_t day) {
    if (day == POA_NO_DAY) {
        return json_null();
    }
    char s[11];
    poa_day_format(day, s);
    return json_string(s);
}

static json_t *str_or_null(const char *s) {
    return s ? json_string(s) : json_null();
}

static const char *status_name(poa_metric_status s) {
    return s == POA_PASS ? "pass" : s == POA_FAIL ? "fail" : "no-data";
}

static const char *trend(const poa_metric *m) {
    if (m->denominator == 0 || m->prev_denominator == 0) {
        return "none";
    }
    /* Compare the fractions exactly: a/b vs c/d. */
    __int128 now = (__int128)m->numerator * m->prev_denominator;
    __int128 before = (__int128)m->prev_numerator * m->denominator;
    return now > before ? "up" : now < before ? "down" : "flat";
}

static json_t *metric_json(const poa_metric *m, const char *lang) {
    json_t *o = json_object();
    char pct[32];
    json_object_set_new(o, "id", json_string(m->id));
    json_object_set_new(o, "name", json_string(poa_ltext_get(&m->def->name, lang)));
    json_object_set_new(o, "channel", json_string(m->channel));
    /* A metric over all channels measured on one of them: templates say
     * which, since the figure is not the account's whole. */
    int one = m->def->scope == POA_SCOPE_ALL && strcmp(m->channel, "all") != 0;
    json_object_set_new(o, "only_mfn",
                        json_boolean(one && strcmp(m->channel, "mfn") == 0));
    json_object_set_new(o, "only_afn",
                        json_boolean(one && strcmp(m->channel, "afn") == 0));
    json_object_set_new(o, "window_days", json_integer(m->window_days));
    json_object_set_new(o, "from", day_or_null(m->from));
    json_object_set_new(o, "to", day_or_null(m->to));
    json_object_set_new(o, "numerator", json_integer(m->numerator));
    json_object_set_new(o, "denominator", json_integer(m->denominator));
    json_object_set_new(o, "rate",
                        m->status == POA_NO_DATA ? json_null() : json_real(m->rate));
    if (m->status == POA_NO_DATA) {
        json_object_set_new(o, "rate_pct", json_null());
    } else {
        poa_format_percent_lang(m->rate, lang, pct, sizeof pct);
        json_object_set_new(o, "rate_pct", json_string(pct));
    }
    json_t *target = json_object();
    json_object_set_new(target, "op", json_string(poa_op_name(m->target_op)));
    json_object_set_new(target, "value", json_real(m->target_value));
    json_object_set_new(o, "target", target);
    json_object_set_new(
        o, "target_below",
        json_boolean(m->target_op == POA_OP_LT || m->target_op == POA_OP_LE));
    poa_format_percent_lang(m->target_value, lang, pct, sizeof pct);
    json_object_set_new(o, "target_pct", json_string(pct));
    json_object_set_new(o, "status", json_string(status_name(m->status)));
    json_object_set_new(o, "failed", json_boolean(m->status == POA_FAIL));
    json_object_set_new(o, "contractual", json_boolean(m->def->contractual));
    json_object_set_new(o, "immature", json_boolean(m->immature));
    json_object_set_new(o, "young", json_integer(m->young));
    json_object_set_new(o, "settles_on", day_or_null(m->settles_on));
    json_object_set_new(o, "source", json_string(m->source));
    if (m->report_name[0]) {
        json_object_set_new(o, "report_status", json_string(m->report_status));
        json_object_set_new(o, "marketplace", json_string(m->marketplace));
        json_object_set_new(o, "report_name", json_string(m->report_name));
        json_object_set_new(o, "report_range", json_boolean(m->report_range));
        json_object_set_new(o, "differs", json_boolean(m->differs));
    }
    json_t *prev = json_object();
    json_object_set_new(prev, "numerator", json_integer(m->prev_numerator));
    json_object_set_new(prev, "denominator", json_integer(m->prev_denominator));
    json_object_set_new(prev, "rate",
                        m->prev_denominator ? json_real((double)m->prev_numerator /
                                                        (double)m->prev_denominator)
                                            : json_null());
    json_object_set_new(o, "previous", prev);
    json_object_set_new(o, "trend", json_string(trend(m)));
    if (strcmp(m->id, "lsr") == 0) {
        json_object_set_new(o, "overdue", json_integer(m->overdue));
    } else if (strcmp(m->id, "cr") == 0) {
        json_object_set_new(o, "unattributed", json_integer(m->unattributed));
    } else if (strcmp(m->id, "vtr") == 0) {
        json_object_set_new(o, "unknown_carrier", json_integer(m->unknown_carrier));
    } else if (strcmp(m->id, "odr") == 0) {
        json_t *comp = json_object();
        json_object_set_new(comp, "negative_feedback",
                            json_integer(m->negative_feedback));
        json_object_set_new(comp, "claims", json_integer(m->claims));
        json_object_set_new(comp, "claims_counted", json_integer(m->defect_claims));
        json_object_set_new(comp, "chargebacks", json_integer(m->chargebacks));
        json_object_set_new(o, "components", comp);
    } else if (strcmp(m->id, "rdr") == 0) {
        json_object_set_new(o, "unanswered", json_integer(m->unanswered));
        json_object_set_new(o, "invalid_rejections", json_integer(m->invalid_rejections));
        json_object_set_new(o, "negative_return_feedback",
                            json_integer(m->negative_returns));
    }
    return o;
}

static json_t *texts_json(char **v, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_object();
        json_object_set_new(item, "text", json_string(v[i]));
        json_array_append_new(a, item);
    }
    return a;
}

static json_t *finding_json(const poa_finding *f, const poa_remedy *rem, size_t rank,
                            const char *lang) {
    json_t *o = json_object();
    json_object_set_new(o, "rank", json_integer((json_int_t)rank));
    json_object_set_new(o, "metric",
                        f->metric ? json_string(f->metric->id) : json_null());
    json_object_set_new(o, "cause", json_string(f->cause->id));
    json_object_set_new(o, "share", json_real(f->share));
    char pct[32];
    poa_format_percent_lang(f->share, lang, pct, sizeof pct);
    json_object_set_new(o, "share_pct", json_string(pct));
    json_object_set_new(o, "source",
                        json_string(f->cause->source ? f->cause->source : "poagen"));
    json_object_set_new(o, "figures",
                        rem ? json_deep_copy(rem->figures)
                            : poa_figures_to_json(&f->figures, lang));
    if (rem) {
        json_object_set_new(o, "title", json_string(rem->title));
        json_object_set_new(o, "explanation", json_string(rem->explanation));
        json_object_set_new(o, "actions", texts_json(rem->actions, rem->nactions));
        json_object_set_new(o, "prevent", texts_json(rem->prevent, rem->nprevent));
        json_object_set_new(o, "evidence", texts_json(rem->evidence, rem->nevidence));
        json_object_set_new(o, "missing_facts",
                            json_integer((json_int_t)rem->missing_facts));
        json_object_set_new(o, "policy", json_string(rem->policy ? rem->policy : ""));
    }
    return o;
}

static json_t *breakdown_json(const poa_metrics *m) {
    json_t *a = json_array();
    for (size_t i = 0; i < m->nbreakdown; i++) {
        const poa_breakdown *b = &m->breakdown[i];
        json_t *o = json_object();
        json_object_set_new(o, "metric", json_string(b->id));
        json_object_set_new(o, "channel", json_string(b->channel));
        json_object_set_new(o, "window_days", json_integer(b->window_days));
        json_object_set_new(o, b->kind, json_string(b->key));
        json_object_set_new(o, "numerator", json_integer(b->numerator));
        json_object_set_new(o, "denominator", json_integer(b->denominator));
        json_object_set_new(o, "rate", json_real(b->rate));
        json_array_append_new(a, o);
    }
    return a;
}

/* The performance report as the marketplace wrote it: account statuses,
 * policy figures and every oddity found in the file. */
static json_t *report_json(const poa_case *c) {
    json_t *r = json_object(), *st = json_array(), *pol = json_array(), *q = json_array();
    for (size_t i = 0; i < c->nreport_statuses; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "marketplace",
                            json_string(c->report_statuses[i].marketplace_id));
        json_object_set_new(o, "status", json_string(c->report_statuses[i].status));
        json_array_append_new(st, o);
    }
    for (size_t i = 0; i < c->nreport_metrics; i++) {
        const poa_report_metric *m = &c->report_metrics[i];
        if (m->id[0]) {
            continue; /* the account-health figures are in "metrics" */
        }
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(m->name));
        json_object_set_new(o, "marketplace", json_string(m->marketplace_id));
        json_object_set_new(o, "from", day_or_null(m->from));
        json_object_set_new(o, "to", day_or_null(m->to));
        json_object_set_new(o, "count",
                            m->defects >= 0 ? json_integer(m->defects)
                            : m->has_counts ? json_integer(m->count)
                                            : json_null());
        if (m->has_counts) {
            json_object_set_new(o, "denominator", json_integer(m->denominator));
        }
        json_object_set_new(o, "rate", m->has_rate ? json_real(m->rate) : json_null());
        if (m->has_target) {
            json_t *t = json_object();
            json_object_set_new(t, "condition", json_string(m->condition));
            json_object_set_new(t, "value", json_real(m->target));
            json_object_set_new(o, "target", t);
        }
        json_object_set_new(o, "status", json_string(m->status));
        json_array_append_new(pol, o);
    }
    for (size_t i = 0; i < c->nreport_quirks; i++) {
        json_array_append_new(q, json_string(c->report_quirks[i]));
    }
    json_object_set_new(r, "statuses", st);
    json_object_set_new(r, "policy", pol);
    json_object_set_new(r, "quirks", q);
    return r;
}

/* A file a case.xml item names counts only when it is a regular file
 * inside the case folder: no absolute path, no way out with "..". */
static int case_file_exists(const poa_case *c, const char *file) {
    if (!file || !*file || file[0] == '/' || strstr(file, "..") || !c->dir) {
        return 0;
    }
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", c->dir, file);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int item_answers(const poa_evidence_item *e, const char *id) {
    for (size_t k = 0; k < e->nanswers; k++) {
        if (strcmp(e->answers[k], id) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Each rule evidence text of each finding gets an id ("cause_id.N", its
 * place in the cause's list) and is present when a case.xml item answers
 * it (<item answers="lsr_handling.1">) and the file it names, if any, is
 * in the case folder. Items answering nothing found are listed apart. */
static void mark_evidence(json_t *root, const poa_case *c) {
    const poa_case_info *info = &c->info;
    json_t *findings = json_object_get(root, "findings");
    char *used = calloc(info->nevidence + 1, 1);
    size_t missing = 0, present = 0;
    for (size_t i = 0; i < json_array_size(findings); i++) {
        json_t *fj = json_array_get(findings, i);
        const char *cause = json_string_value(json_object_get(fj, "cause"));
        json_t *ev = json_object_get(fj, "evidence");
        for (size_t k = 0; cause && k < json_array_size(ev); k++) {
            json_t *e = json_array_get(ev, k);
            char id[160];
            snprintf(id, sizeof id, "%s.%zu", cause, k + 1);
            const poa_evidence_item *held = NULL;
            for (size_t h = 0; h < info->nevidence; h++) {
                if (item_answers(&info->evidence[h], id)) {
                    held = held ? held : &info->evidence[h];
                    if (used) {
                        used[h] = 1;
                    }
                }
            }
            int ok = held && (!held->file || case_file_exists(c, held->file));
            json_object_set_new(e, "id", json_string(id));
            json_object_set_new(e, "present", json_boolean(ok));
            json_object_set_new(e, "missing", json_boolean(!ok));
            json_object_set_new(e, "held", held ? json_string(held->text) : json_null());
            json_object_set_new(e, "file", str_or_null(held ? held->file : NULL));
            json_object_set_new(e, "file_missing", json_boolean(held && !ok));
            missing += !ok;
            present += ok;
        }
    }
    json_t *other = json_array();
    for (size_t h = 0; h < info->nevidence; h++) {
        const poa_evidence_item *e = &info->evidence[h];
        int ok = !e->file || case_file_exists(c, e->file);
        json_t *ej = json_array_get(json_object_get(root, "evidence"), h);
        json_object_set_new(ej, "present", json_boolean(ok));
        json_object_set_new(ej, "missing", json_boolean(!ok));
        if (used && !used[h]) {
            json_array_append(other, ej);
        }
    }
    /* The POA names the evidence for what it explains: an item that answers
     * only causes this case does not have stays out of the letter (it is
     * still listed apart in the checklist). */
    json_t *named = json_array();
    for (size_t h = 0; h < info->nevidence; h++) {
        const poa_evidence_item *e = &info->evidence[h];
        int keep = e->nanswers == 0 || (used && used[h]);
        for (size_t k = 0; !keep && k < e->nanswers; k++) {
            const char *dot = strrchr(e->answers[k], '.');
            size_t len = dot ? (size_t)(dot - e->answers[k]) : strlen(e->answers[k]);
            for (size_t i = 0; i < json_array_size(findings); i++) {
                const char *cause = json_string_value(
                    json_object_get(json_array_get(findings, i), "cause"));
                keep |= cause && strlen(cause) == len &&
                        strncmp(cause, e->answers[k], len) == 0;
            }
        }
        if (keep) {
            json_array_append(named,
                              json_array_get(json_object_get(root, "evidence"), h));
        }
    }
    json_object_set_new(root, "evidence", named);
    free(used);
    json_object_set_new(root, "has_other_evidence", json_boolean(json_array_size(other)));
    json_object_set_new(root, "other_evidence", other);
    json_object_set_new(root, "evidence_present", json_integer((json_int_t)present));
    json_object_set_new(root, "evidence_missing", json_integer((json_int_t)missing));
}

/* The notice's reply deadline, with the days left counted from the later
 * of the as-of date and the notice date: never from today's clock, so the
 * same case gives the same checklist. */
static json_t *deadline_json(const poa_case_info *info, int32_t as_of) {
    int32_t deadline = info->present ? info->notice_deadline : POA_NO_DAY;
    int32_t from = deadline == POA_NO_DAY ? POA_NO_DAY : as_of;
    if (deadline != POA_NO_DAY && info->notice_date != POA_NO_DAY &&
        (from == POA_NO_DAY || info->notice_date > from)) {
        from = info->notice_date;
    }
    /* always an object, "date" null when the notice gave none, so
     * templates can name every key */
    json_t *o = json_object();
    json_object_set_new(o, "date", day_or_null(deadline));
    json_object_set_new(o, "counted_from", day_or_null(from));
    long long left = from == POA_NO_DAY ? 0 : (long long)deadline - from;
    json_object_set_new(o, "days_left",
                        from == POA_NO_DAY ? json_null() : json_integer(left));
    json_object_set_new(o, "passed", json_boolean(from != POA_NO_DAY && left < 0));
    json_object_set_new(o, "open", json_boolean(from != POA_NO_DAY && left >= 0));
    json_object_set_new(o, "days_over", json_integer(left < 0 ? -left : 0));
    return o;
}

/* Half a unit of the last digit the notice wrote: "0.112" ±0.0005. */
static double rounding_of(const char *text) {
    const char *dot = text ? strchr(text, '.') : NULL;
    int decimals = 0;
    for (const char *p = dot ? dot + 1 : ""; *p >= '0' && *p <= '9'; p++) {
        decimals++;
    }
    return 0.5 * pow(10.0, -decimals) + 1e-12;
}

typedef struct {
    const char *lang, *data_dir;
} text_ctx;

/* A sentence worded by templates/poa/<lang>/<name>.md for one value;
 * NULL when the template is missing or does not render. */
static json_t *render_sentence(const text_ctx *t, const char *name, const json_t *v) {
    char path[4096];
    snprintf(path, sizeof path, "%s/poa/%s/%s.md", t->data_dir, t->lang, name);
    poa_buf tpl = POA_BUF_INIT, out = POA_BUF_INIT;
    poa_error e;
    json_t *r = json_null();
    poa_mustache_options mo = {.escape = POA_ESCAPE_MARKDOWN, .name = path};
    if (poa_buf_read_file(&tpl, path, 1 << 16, &e) == POA_OK &&
        poa_mustache_render(tpl.data ? tpl.data : "", tpl.len, v, &mo, &out, &e) ==
            POA_OK &&
        !out.failed) {
        while (out.len &&
               (out.data[out.len - 1] == '\n' || out.data[out.len - 1] == ' ')) {
            out.len--;
        }
        json_decref(r);
        r = json_stringn(out.data ? out.data : "", out.len);
    }
    poa_buf_free(&tpl);
    poa_buf_free(&out);
    return r;
}

/* Each figure the notice quoted beside poagen's own for that metric. A
 * difference beyond the notice's rounding is explained, never left
 * silent: another of our windows that matches, a notice date other than
 * our as-of date, orders still maturing, or else the marketplace's own
 * reporting lag. */
static json_t *notice_figures_json(const poa_case *c, const poa_metrics *m,
                                   const text_ctx *t) {
    const poa_case_info *info = &c->info;
    json_t *a = json_array();
    for (size_t i = 0; info->present && i < info->nnotice_figures; i++) {
        const poa_case_figure *nf = &info->notice_figures[i];
        const poa_metric *ours = NULL, *match = NULL;
        double tol = rounding_of(nf->text);
        for (size_t k = 0; k < m->count; k++) {
            const poa_metric *x = &m->items[k];
            if (strcmp(x->id, nf->metric) != 0 || x->status == POA_NO_DATA) {
                continue;
            }
            ours = ours ? ours : x;
            if (!match && fabs(x->rate - nf->rate) <= tol) {
                match = x;
            }
        }
        json_t *o = json_object();
        char pct[32];
        json_object_set_new(o, "metric", json_string(nf->metric));
        json_object_set_new(o, "notice_rate", json_real(nf->rate));
        poa_format_percent_lang(nf->rate, t->lang, pct, sizeof pct);
        json_object_set_new(o, "notice_pct", json_string(pct));
        json_object_set_new(o, "notice_date", day_or_null(info->notice_date));
        int differs = ours && fabs(ours->rate - nf->rate) > tol;
        if (!ours) {
            json_object_set_new(o, "name", json_null());
            json_object_set_new(o, "our_rate", json_null());
            json_object_set_new(o, "window", json_null());
        } else {
            json_object_set_new(o, "name",
                                json_string(poa_ltext_get(&ours->def->name, t->lang)));
            json_object_set_new(o, "our_rate", json_real(ours->rate));
            poa_format_percent_lang(ours->rate, t->lang, pct, sizeof pct);
            json_object_set_new(o, "our_pct", json_string(pct));
            json_t *w = json_object();
            json_object_set_new(w, "days", json_integer(ours->window_days));
            json_object_set_new(w, "from", day_or_null(ours->from));
            json_object_set_new(w, "to", day_or_null(ours->to));
            json_object_set_new(o, "window", w);
        }
        json_object_set_new(o, "differs", json_boolean(differs));
        if (differs) {
            json_t *why = json_object();
            int other = match && match != ours;
            int as_of = info->notice_date != POA_NO_DAY && info->notice_date != ours->to;
            int immature = ours->immature && ours->young > 0;
            if (other) {
                json_t *mw = json_object();
                json_object_set_new(mw, "days", json_integer(match->window_days));
                json_object_set_new(mw, "from", day_or_null(match->from));
                json_object_set_new(mw, "to", day_or_null(match->to));
                poa_format_percent_lang(match->rate, t->lang, pct, sizeof pct);
                json_object_set_new(mw, "rate_pct", json_string(pct));
                json_object_set_new(why, "window", mw);
            } else {
                json_object_set_new(why, "window", json_false());
            }
            json_object_set_new(why, "as_of", json_boolean(as_of && !other));
            json_object_set_new(why, "immature", json_boolean(immature && !other));
            json_object_set_new(why, "young", json_integer(ours->young));
            json_object_set_new(why, "settles_on", day_or_null(ours->settles_on));
            json_object_set_new(why, "lag", json_boolean(!other && !as_of && !immature));
            json_object_set_new(o, "reasons", why);
            json_object_set_new(o, "explanation", render_sentence(t, "notice-figure", o));
        } else {
            json_object_set_new(o, "explanation", json_null());
        }
        json_array_append_new(a, o);
    }
    return a;
}

/* What the marketplace's replies to earlier appeals asked for, as flags
 * templates and lint act on; any reply makes this a later round. */
static json_t *reply_json(const poa_case_info *info) {
    static const char *const names[] = {"more_root_cause", "more_actions",
                                        "more_prevention", "documents",
                                        "rejected",        "reinstated"};
    json_t *o = json_object();
    unsigned kinds = 0;
    int32_t last = POA_NO_DAY;
    char dates[512] = "";
    size_t dl = 0;
    size_t n = info->present ? info->nreplies : 0;
    for (size_t i = 0; i < n; i++) {
        kinds |= info->replies[i].kinds;
        if (info->replies[i].date != POA_NO_DAY) {
            char d[11];
            last = info->replies[i].date;
            poa_day_format(last, d);
            if (dl + 14 < sizeof dates) {
                dl += (size_t)snprintf(dates + dl, sizeof dates - dl, "%s%s",
                                       dl ? ", " : "", d);
            }
        }
    }
    json_object_set_new(o, "later", json_boolean(n > 0));
    json_object_set_new(o, "count", json_integer((json_int_t)n));
    json_object_set_new(o, "date", day_or_null(last));
    json_object_set_new(o, "dates", dl ? json_string(dates) : json_null());
    for (size_t b = 0; b < sizeof names / sizeof *names; b++) {
        json_object_set_new(o, names[b], json_boolean(kinds & (1u << b)));
    }
    json_object_set_new(o, "asks_more", json_boolean(kinds & 15u));
    return o;
}

unsigned poa_model_reply_kinds(const poa_case *c) {
    unsigned kinds = 0;
    for (size_t i = 0; c->info.present && i < c->info.nreplies; i++) {
        kinds |= c->info.replies[i].kinds;
    }
    return kinds;
}

json_t *poa_model_build(const poa_case *c, const poa_metrics *m, const poa_diagnosis *dx,
                        const poa_remedies *r, const poa_data *d, const char *lang) {
    json_t *root = json_object();
    if (!root) {
        return NULL;
    }
    json_object_set_new(root, "as_of", day_or_null(m->as_of));
    json_object_set_new(root, "lang", json_string(lang));
    /* true only in the reading copy (--reading-lang), set by its caller */
    json_object_set_new(root, "reading_copy", json_false());
    json_t *metrics = json_array();
    for (size_t i = 0; i < m->count; i++) {
        json_array_append_new(metrics, metric_json(&m->items[i], lang));
    }
    json_object_set_new(root, "metrics", metrics);
    json_object_set_new(root, "breakdown", breakdown_json(m));
    if (c->nreport_metrics || c->nreport_statuses) {
        json_object_set_new(root, "report", report_json(c));
    }
    json_t *failed = json_array();
    for (size_t i = 0; i < dx->nfailed; i++) {
        json_array_append_new(failed, metric_json(dx->failed[i], lang));
    }
    json_object_set_new(root, "failed", failed);
    /* What the POA leads with: the failed metrics the notice names, else
     * the contractual ones that failed, else whatever failed. */
    json_t *headline = json_array();
    for (int pass = 0; pass < 3 && json_array_size(headline) == 0; pass++) {
        for (size_t i = 0; i < dx->nfailed; i++) {
            const poa_metric *fm = dx->failed[i];
            int take = pass == 2 || (pass == 1 && fm->def->contractual);
            for (size_t k = 0; pass == 0 && k < c->info.nnotice_causes; k++) {
                take |= strcmp(c->info.notice_causes[k], fm->id) == 0;
            }
            if (take) {
                json_array_append_new(headline, metric_json(fm, lang));
            }
        }
    }
    json_object_set_new(root, "headline", headline);
    json_t *findings = json_array(), *causes = json_object(), *what_if = json_array();
    for (size_t i = 0; i < dx->nfindings; i++) {
        const poa_finding *f = &dx->findings[i];
        const poa_remedy *rem = r && i < r->count ? &r->items[i] : NULL;
        json_t *fj = finding_json(f, rem, i + 1, lang);
        json_array_append(findings, fj);
        json_object_set(causes, f->cause->id, fj);
        json_decref(fj);
        if (f->has_what_if) {
            json_t *w = json_object();
            char change[64];
            const poa_figure *days = poa_figures_get(&f->figures, "what_if_days");
            snprintf(change, sizeof change, "%s=%d", f->what_if.change,
                     days ? (int)days->value : 0);
            json_object_set_new(w, "finding", json_string(f->cause->id));
            json_object_set_new(w, "metric", json_string(f->metric->id));
            json_object_set_new(w, "change", json_string(change));
            json_object_set_new(w, "numerator_before",
                                json_integer(f->what_if.numerator_before));
            json_object_set_new(w, "denominator_before",
                                json_integer(f->what_if.denominator_before));
            json_object_set_new(w, "numerator_after",
                                json_integer(f->what_if.numerator_after));
            json_object_set_new(w, "denominator_after",
                                json_integer(f->what_if.denominator_after));
            json_object_set_new(w, "rate_after",
                                f->what_if.denominator_after
                                    ? json_real(f->what_if.rate_after)
                                    : json_null());
            json_array_append_new(what_if, w);
        }
    }
    /* Templates word metric failures and policy notices differently; the
     * policy line names each cause's policies once, in finding order. */
    json_t *metric_findings = json_array(), *policy_findings = json_array();
    char policies[2048] = "";
    size_t plen = 0;
    json_t *policy_list = json_array();
    for (size_t i = 0; i < json_array_size(findings); i++) {
        json_t *fj = json_array_get(findings, i);
        json_array_append(json_is_null(json_object_get(fj, "metric")) ? policy_findings
                                                                      : metric_findings,
                          fj);
        const char *pol = json_string_value(json_object_get(fj, "policy"));
        if (pol && *pol && !strstr(policies, pol) &&
            plen + strlen(pol) + 3 < sizeof policies) {
            plen += (size_t)snprintf(policies + plen, sizeof policies - plen, "%s%s",
                                     plen ? ", " : "", pol);
            json_t *item = json_object();
            json_object_set_new(item, "name", json_string(pol));
            json_object_set_new(item, "first",
                                json_boolean(json_array_size(policy_list) == 0));
            json_object_set_new(item, "last", json_false());
            json_array_append_new(policy_list, item);
        }
    }
    /* Each language joins a list its own way ("A, B and C", "A、B和C"):
     * templates get the items with first/last marks to place the words. */
    size_t npol = json_array_size(policy_list);
    if (npol) {
        json_object_set_new(json_array_get(policy_list, npol - 1), "last", json_true());
    }
    json_object_set_new(root, "policy_list", policy_list);
    json_object_set_new(root, "metric_findings", metric_findings);
    json_object_set_new(root, "policy_findings", policy_findings);
    json_object_set_new(root, "policies", plen ? json_string(policies) : json_null());
    json_object_set_new(root, "findings", findings);
    json_object_set_new(root, "what_if", what_if);
    json_object_set_new(root, "causes", causes);
    json_t *unexplained = json_array();
    for (size_t i = 0; i < dx->nunexplained; i++) {
        json_array_append_new(unexplained, json_string(dx->unexplained[i]));
    }
    json_object_set_new(root, "unexplained", unexplained);
    /* The same metrics in full, for the checklist's open items: the plan
     * does not address them, and the author must not miss that. */
    json_t *open_items = json_array();
    for (size_t i = 0; i < dx->nfailed; i++) {
        for (size_t k = 0; k < dx->nunexplained; k++) {
            if (strcmp(dx->unexplained[k], dx->failed[i]->id) == 0) {
                json_array_append_new(open_items, metric_json(dx->failed[i], lang));
                break;
            }
        }
    }
    json_object_set_new(root, "has_unexplained",
                        json_boolean(json_array_size(open_items) > 0));
    json_object_set_new(root, "unexplained_metrics", open_items);

    const poa_case_info *info = &c->info;
    json_t *seller = json_object();
    json_object_set_new(seller, "name", str_or_null(info->seller_name));
    json_object_set_new(seller, "store", str_or_null(info->store));
    json_object_set_new(seller, "merchant_token", str_or_null(info->merchant_token));
    json_object_set_new(seller, "email", str_or_null(info->email));
    json_object_set_new(root, "seller", seller);
    json_t *mp = json_object();
    json_object_set_new(mp, "id",
                        str_or_null(c->marketplace ? c->marketplace->id : NULL));
    json_object_set_new(
        mp, "name",
        str_or_null(c->marketplace ? c->marketplace->names[0] : info->marketplace));
    json_object_set_new(root, "marketplace", mp);
    json_t *account = json_object();
    json_object_set_new(account, "status", str_or_null(info->account_status));
    /* One flag per status, so logic-less templates can word each case. */
    static const char *const statuses[] = {"active",    "at-risk", "under-review",
                                           "on-hold",   "locked",  "deactivated",
                                           "suspended", NULL};
    int known = 0;
    for (size_t i = 0; statuses[i]; i++) {
        char key[32];
        snprintf(key, sizeof key, "%s", statuses[i]);
        for (char *k = key; *k; k++) {
            *k = *k == '-' ? '_' : *k;
        }
        const int is =
            info->account_status && strcmp(info->account_status, statuses[i]) == 0;
        json_object_set_new(account, key, json_boolean(is));
        known |= is;
    }
    /* false without a case.xml: the templates then ask for the status
     * instead of leaving its word out. */
    json_object_set_new(account, "known", json_boolean(known));
    json_object_set_new(root, "account", account);
    json_t *notice = json_object();
    json_object_set_new(notice, "date", day_or_null(info->notice_date));
    json_object_set_new(notice, "case_id", str_or_null(info->notice_case_id));
    json_object_set_new(notice, "text", str_or_null(info->notice_text));
    json_object_set_new(notice, "deadline", deadline_json(info, m->as_of));
    json_object_set_new(notice, "action",
                        info->notice_action && *info->notice_action
                            ? json_string(info->notice_action)
                            : json_null());
    json_t *asks = json_array();
    for (size_t i = 0; info->present && i < info->nnotice_asks; i++) {
        json_array_append_new(asks, json_string(info->notice_asks[i]));
    }
    json_object_set_new(notice, "asks", asks);
    json_object_set_new(root, "notice", notice);
    text_ctx tc = {lang, d ? d->dir : "."};
    json_t *nfig = notice_figures_json(c, m, &tc), *nfig_differ = json_array();
    for (size_t i = 0; i < json_array_size(nfig); i++) {
        json_t *x = json_array_get(nfig, i);
        if (json_is_true(json_object_get(x, "differs"))) {
            json_array_append(nfig_differ, x);
        }
    }
    json_object_set_new(root, "notice_figures", nfig);
    json_object_set_new(root, "notice_figures_differ", nfig_differ);
    json_object_set_new(root, "reply", reply_json(info));
    json_t *evidence = json_array();
    for (size_t i = 0; i < info->nevidence; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "text", json_string(info->evidence[i].text));
        json_object_set_new(e, "file", str_or_null(info->evidence[i].file));
        json_object_set_new(e, "date", day_or_null(info->evidence[i].date));
        json_array_append_new(evidence, e);
    }
    json_object_set_new(root, "evidence", evidence);
    mark_evidence(root, c);
    json_t *sig = json_object();
    json_object_set_new(sig, "name", str_or_null(info->signature_name));
    json_object_set_new(sig, "title", str_or_null(info->signature_title));
    json_object_set_new(root, "signature", sig);
    return root;
}

typedef struct {
    const char *dirs[2];
    poa_error *err;
} partial_ctx;

/* Partials are looked up beside the master template, then in the
 * language's folder. Names are plain relative paths: no "..", no "/"
 * at the start, so a template cannot read outside the data folder. */
static int load_partial(const char *name, poa_buf *out, void *payload) {
    partial_ctx *p = payload;
    if (!name[0] || name[0] == '/' || strstr(name, "..")) {
        return 0;
    }
    for (const char *s = name; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_' || *s == '/' || *s == '.')) {
            return 0;
        }
    }
    for (size_t i = 0; i < 2; i++) {
        if (!p->dirs[i]) {
            continue;
        }
        char path[8192];
        snprintf(path, sizeof path, "%s/%s.md", p->dirs[i], name);
        poa_error e;
        poa_buf b = POA_BUF_INIT;
        if (poa_buf_read_file(&b, path, 1 << 20, &e) == POA_OK) {
            poa_buf_append(out, b.data, b.len);
            poa_buf_free(&b);
            return 1;
        }
        poa_buf_free(&b);
    }
    return 0;
}

static poa_status render_template(poa_buf *out, const json_t *model,
                                  const poa_compose_options *opt, const char *file,
                                  poa_error *err) {
    char lang_dir[2048], master[4096], tdir[4096];
    snprintf(lang_dir, sizeof lang_dir, "%s/poa/%s", opt->data_dir, opt->lang);
    if (opt->template_path && strcmp(file, "poa") == 0) {
        snprintf(master, sizeof master, "%s", opt->template_path);
    } else {
        snprintf(master, sizeof master, "%s/%s.md", lang_dir, file);
    }
    snprintf(tdir, sizeof tdir, "%s", master);
    char *slash = strrchr(tdir, '/');
    if (slash) {
        *slash = '\0';
    } else {
        snprintf(tdir, sizeof tdir, ".");
    }
    poa_buf tpl = POA_BUF_INIT;
    poa_status st = poa_buf_read_file(&tpl, master, 1 << 20, err);
    if (st != POA_OK) {
        poa_buf_free(&tpl);
        return st;
    }
    partial_ctx pc = {{tdir, lang_dir}, err};
    poa_mustache_options mo = {.escape = POA_ESCAPE_MARKDOWN,
                               .partials = load_partial,
                               .payload = &pc,
                               .name = master};
    st = poa_mustache_render(tpl.data, tpl.len, model, &mo, out, err);
    poa_buf_free(&tpl);
    if (st == POA_OK && out->failed) {
        st = poa_error_set(err, POA_ERR_NOMEM, master, 0, 0, "out of memory");
    }
    return st;
}

poa_status poa_compose_poa(poa_buf *out, const json_t *model,
                           const poa_compose_options *opt, poa_error *err) {
    return render_template(out, model, opt, "poa", err);
}

poa_status poa_compose_checklist(poa_buf *out, const json_t *model,
                                 const poa_compose_options *opt, poa_error *err) {
    return render_template(out, model, opt, "checklist", err);
}
