/* From a decoded notice to case.xml: what the notice says, what the seller
 * answers, and a [[TO FILL: ...]] placeholder for everything else — never a
 * guess. The result is validated against case.xsd before anyone writes it. */
#include <ctype.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice/notice_private.h"
#include "poagen/date.h"
#include "poagen/xmlload.h"

static const char *status_of(const poa_notice *n) {
    int payment = 0;
    for (size_t i = 0; i < n->ncauses; i++) {
        payment |= !strcmp(n->causes[i].id, "payment_hold");
    }
    if (!n->action) {
        return payment ? "under-review" : "unknown";
    }
    if (!strcmp(n->action, "deactivation")) {
        return "deactivated";
    }
    if (!strcmp(n->action, "hold")) {
        return payment ? "under-review" : "on-hold";
    }
    return "at-risk"; /* warning, listing removal, seller-fulfilled restriction */
}

typedef struct {
    poa_case_draft *dr;
    size_t cap;
} qlist;

static poa_question *add_q(qlist *ql, const char *key, poa_question_type type,
                           const char *ask, int optional) {
    poa_case_draft *dr = ql->dr;
    for (size_t i = 0; i < dr->nquestions; i++) {
        if (!strcmp(dr->questions[i].key, key)) {
            return NULL;
        }
    }
    if (dr->nquestions == ql->cap) {
        size_t nc = ql->cap ? ql->cap * 2 : 16;
        poa_question *nq = poa_arena_alloc(dr->arena, nc * sizeof *nq);
        if (dr->nquestions) {
            memcpy(nq, dr->questions, dr->nquestions * sizeof *nq);
        }
        dr->questions = nq;
        ql->cap = nc;
    }
    poa_question *q = &dr->questions[dr->nquestions++];
    q->key = poa_arena_strdup(dr->arena, key);
    q->type = type;
    q->ask = poa_arena_strdup(dr->arena, ask);
    q->optional = optional;
    return q;
}

static int cause_named(const poa_cause_def *c, const char *id) {
    return (c->metric && !strcmp(c->metric, id)) ||
           (c->notice && !strcmp(c->notice, id)) || !strcmp(c->id, id);
}

poa_status poa_case_draft_make(poa_case_draft **out, const poa_notice *notice,
                               const poa_notice *reply, const poa_data *d,
                               const poa_case *c, const char *lang, poa_error *err) {
    poa_arena *a = poa_arena_new();
    poa_case_draft *dr = a ? poa_arena_alloc(a, sizeof *dr) : NULL;
    if (!dr) {
        poa_arena_free(a);
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    dr->arena = a;
    dr->notice = notice;
    dr->reply = reply;
    dr->language = lang ? lang : notice->language;
    if (!dr->language && c && c->marketplace &&
        strstr(POA_LANGS, c->marketplace->language)) {
        dr->language = c->marketplace->language;
    }
    dr->marketplace = notice->marketplace;
    if (!dr->marketplace && c && c->marketplace) {
        dr->marketplace = c->marketplace->names[0];
    }
    dr->status = status_of(notice);
    qlist ql = {dr, 0};
    const char *lg = dr->language ? dr->language : "en";
    add_q(&ql, "seller.name", POA_Q_TEXT,
          "Your business name, as registered with the marketplace", 0);
    add_q(&ql, "seller.store", POA_Q_TEXT, "Your store name (empty to skip)", 1);
    add_q(&ql, "seller.merchant-token", POA_Q_TEXT,
          "Your merchant token / seller id (empty to skip)", 1);
    add_q(&ql, "seller.email", POA_Q_TEXT,
          "The e-mail address of your seller account (empty to skip)", 1);
    if (notice->date == POA_NO_DAY) {
        add_q(&ql, "notice.date", POA_Q_DATE, "The date of the notice (YYYY-MM-DD)", 1);
    }
    char key[160], ask[512];
    for (size_t i = 0; i < notice->ncauses; i++) {
        const poa_notice_cause *nc = &notice->causes[i];
        if (nc->ip) {
            poa_question *q =
                add_q(&ql, "fact:ip_route", POA_Q_CHOICE,
                      "For the intellectual-property complaint: do you remove the "
                      "listings (remediate) or contest the complaint (dispute)?",
                      0);
            if (q) {
                q->choices = "remediate|dispute";
            }
        }
        size_t facts = 0;
        for (size_t k = 0; k < d->ncauses; k++) {
            const poa_cause_def *cd = &d->causes[k];
            if (!cause_named(cd, nc->id)) {
                continue;
            }
            for (size_t f = 0; f < cd->nfacts; f++) {
                const poa_fact_def *fd = &cd->facts[f];
                snprintf(key, sizeof key, "fact:%s", fd->name);
                const char *t = poa_ltext_get(&fd->ask, lg);
                poa_question_type qt = !strcmp(fd->type, "date")     ? POA_Q_DATE
                                       : !strcmp(fd->type, "number") ? POA_Q_NUMBER
                                                                     : POA_Q_TEXT;
                snprintf(ask, sizeof ask, "%s%s%s", *t ? t : fd->name,
                         qt == POA_Q_DATE ? " (YYYY-MM-DD)" : "", "");
                add_q(&ql, key, qt, ask, 0);
                facts++;
            }
        }
        if (!facts && nc->poa) {
            /* The rule table asks nothing for this cause: ask what was done, and when. */
            snprintf(key, sizeof key, "fact:%s_actions", nc->id);
            snprintf(ask, sizeof ask,
                     "What you have already done about '%s' (one sentence)", nc->id);
            add_q(&ql, key, POA_Q_TEXT, ask, 0);
            snprintf(key, sizeof key, "fact:%s_actions_on", nc->id);
            snprintf(ask, sizeof ask, "The date you did it (YYYY-MM-DD)");
            add_q(&ql, key, POA_Q_DATE, ask, 0);
        }
    }
    add_q(&ql, "signature.name", POA_Q_TEXT, "The name that signs the appeal", 0);
    add_q(&ql, "signature.title", POA_Q_TEXT,
          "Their title, e.g. Managing Director (empty to skip)", 1);
    *out = dr;
    return POA_OK;
}

void poa_case_draft_free(poa_case_draft *dr) {
    if (dr) {
        poa_arena_free(dr->arena);
    }
}

int poa_question_check(const poa_question *q, const char *answer, char *why, size_t cap) {
    size_t n = strlen(answer);
    if (n == 0) {
        if (q->optional) {
            return 0;
        }
        snprintf(why, cap,
                 "an answer is needed (type it, or end input to leave a placeholder)");
        return -1;
    }
    if (n > 1000) {
        snprintf(why, cap, "too long: at most 1000 characters");
        return -1;
    }
    if (strstr(answer, "[[")) {
        snprintf(why, cap, "'[[' is reserved for placeholders");
        return -1;
    }
    switch (q->type) {
    case POA_Q_DATE: {
        int day;
        if (n != 10 || answer[4] != '-' || answer[7] != '-' ||
            poa_parse_iso_day(answer, n, 0, &day, NULL) != 0) {
            snprintf(why, cap, "write the date as YYYY-MM-DD, e.g. 2026-11-18");
            return -1;
        }
        return 0;
    }
    case POA_Q_NUMBER: {
        char *end;
        double v = strtod(answer, &end);
        if (*end || v < 0) {
            snprintf(why, cap, "write a number, e.g. 3");
            return -1;
        }
        return 0;
    }
    case POA_Q_CHOICE: {
        const char *p = q->choices;
        while (p && *p) {
            size_t k = strcspn(p, "|");
            if (k == n && !strncmp(p, answer, n)) {
                return 0;
            }
            p += k + (p[k] == '|');
        }
        snprintf(why, cap, "answer one of: %s", q->choices);
        return -1;
    }
    default:
        return 0;
    }
}

void poa_question_answer(poa_case_draft *dr, poa_question *q, const char *answer) {
    q->value = answer && *answer ? poa_arena_strdup(dr->arena, answer) : NULL;
}

void poa_case_draft_add_evidence(poa_case_draft *dr, const char *text, int32_t date) {
    if (dr->nevidence == dr->cap_evidence) {
        size_t nc = dr->cap_evidence ? dr->cap_evidence * 2 : 8;
        poa_draft_evidence *ne = poa_arena_alloc(dr->arena, nc * sizeof *ne);
        if (dr->nevidence) {
            memcpy(ne, dr->evidence, dr->nevidence * sizeof *ne);
        }
        dr->evidence = ne;
        dr->cap_evidence = nc;
    }
    dr->evidence[dr->nevidence].text = poa_arena_strdup(dr->arena, text);
    dr->evidence[dr->nevidence++].date = date;
}

static void esc(poa_buf *b, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&':
            poa_buf_puts(b, "&amp;");
            break;
        case '<':
            poa_buf_puts(b, "&lt;");
            break;
        case '>':
            poa_buf_puts(b, "&gt;");
            break;
        case '"':
            poa_buf_puts(b, "&quot;");
            break;
        default:
            /* XML 1.0 allows no other control characters */
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t') {
                poa_buf_putc(b, *s);
            }
        }
    }
}

static const poa_question *find_q(const poa_case_draft *dr, const char *key) {
    for (size_t i = 0; i < dr->nquestions; i++) {
        if (!strcmp(dr->questions[i].key, key)) {
            return &dr->questions[i];
        }
    }
    return NULL;
}

/* The answer, or a placeholder naming the question; NULL for an optional
 * question left unanswered. */
static void value_or_fill(poa_buf *b, const poa_question *q) {
    if (q->value) {
        esc(b, q->value);
    } else {
        poa_buf_puts(b, "[[TO FILL: ");
        esc(b, q->ask);
        poa_buf_puts(b, "]]");
    }
}

static void element(poa_buf *b, const poa_case_draft *dr, const char *indent,
                    const char *name, const char *key) {
    const poa_question *q = find_q(dr, key);
    if (!q || (q->optional && !q->value)) {
        return;
    }
    poa_buf_printf(b, "%s<%s>", indent, name);
    value_or_fill(b, q);
    poa_buf_printf(b, "</%s>\n", name);
}

static void reply_xml(poa_buf *b, const poa_notice *r, const char *indent) {
    poa_buf_printf(b, "%s<reply", indent);
    if (r->date != POA_NO_DAY) {
        char day[11];
        poa_day_format(r->date, day);
        poa_buf_printf(b, " date=\"%s\"", day);
    }
    if (r->nreplies) {
        poa_buf_puts(b, " kind=\"");
        for (size_t i = 0; i < r->nreplies; i++) {
            poa_buf_printf(b, "%s%s", i ? " " : "", r->replies[i].kind);
        }
        poa_buf_puts(b, "\"");
    }
    poa_buf_puts(b, ">");
    esc(b, r->text);
    poa_buf_puts(b, "</reply>\n");
}

poa_status poa_case_draft_xml(const poa_case_draft *dr, const char *xsd_path, poa_buf *b,
                              poa_error *err) {
    const poa_notice *n = dr->notice;
    poa_buf_puts(b,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<!-- Written by poagen init from the notice. Replace each [[TO FILL]]"
                 "\n     placeholder with the fact it asks for before you generate the "
                 "appeal. -->\n"
                 "<case xmlns=\"urn:poagen:case:1\" version=\"1\">\n  <seller>\n");
    element(b, dr, "    ", "name", "seller.name");
    element(b, dr, "    ", "store", "seller.store");
    element(b, dr, "    ", "merchant-token", "seller.merchant-token");
    element(b, dr, "    ", "email", "seller.email");
    poa_buf_puts(b, "  </seller>\n");
    if (dr->marketplace) {
        poa_buf_puts(b, "  <marketplace>");
        esc(b, dr->marketplace);
        poa_buf_puts(b, "</marketplace>\n");
    }
    if (dr->language) {
        poa_buf_printf(b, "  <language>%s</language>\n", dr->language);
    }
    poa_buf_printf(b, "  <account status=\"%s\"/>\n", dr->status);
    poa_buf_puts(b, "  <notice");
    int32_t date = n->date, deadline = n->deadline;
    const poa_question *nd = find_q(dr, "notice.date");
    if (date == POA_NO_DAY && nd && nd->value) {
        poa_parse_iso_day(nd->value, strlen(nd->value), 0, &date, NULL);
        if (n->deadline_unresolved) {
            deadline = date + n->deadline_unresolved;
        }
    }
    char day[11];
    if (date != POA_NO_DAY) {
        poa_day_format(date, day);
        poa_buf_printf(b, " date=\"%s\"", day);
    }
    for (size_t i = 0; i < n->nrefs; i++) {
        if (!strcmp(n->refs[i].kind, "case")) {
            poa_buf_puts(b, " case-id=\"");
            esc(b, n->refs[i].value);
            poa_buf_puts(b, "\"");
            break;
        }
    }
    if (n->action) {
        poa_buf_printf(b, " action=\"%s\"", n->action);
    }
    if (deadline != POA_NO_DAY) {
        poa_day_format(deadline, day);
        poa_buf_printf(b, " deadline=\"%s\"", day);
    }
    poa_buf_puts(b, ">\n");
    for (size_t i = 0; i < n->ncauses; i++) {
        poa_buf_printf(b, "    <cause>%s</cause>\n", n->causes[i].id);
    }
    poa_buf_puts(b, "    <text>");
    esc(b, n->text);
    poa_buf_puts(b, "</text>\n");
    for (size_t i = 0; i < n->nasins; i++) {
        poa_buf_printf(b, "    <asin>%s</asin>\n", n->asins[i]);
    }
    for (size_t i = 0; i < n->nrefs; i++) {
        if (!strcmp(n->refs[i].kind, "complaint")) {
            poa_buf_puts(b, "    <complaint-id>");
            esc(b, n->refs[i].value);
            poa_buf_puts(b, "</complaint-id>\n");
        }
    }
    for (size_t i = 0; i < n->nowners; i++) {
        poa_buf_puts(b, "    <rights-owner>");
        esc(b, n->owners[i]);
        poa_buf_puts(b, "</rights-owner>\n");
    }
    for (size_t i = 0; i < n->nfigures; i++) {
        poa_buf_printf(b, "    <figure metric=\"%s\" rate=\"%.6g\"/>\n",
                       n->figures[i].metric, n->figures[i].rate);
    }
    for (size_t i = 0; i < n->nasks; i++) {
        poa_buf_puts(b, "    <asks>");
        esc(b, n->asks[i]);
        poa_buf_puts(b, "</asks>\n");
    }
    if (dr->reply) {
        reply_xml(b, dr->reply, "    ");
    }
    poa_buf_puts(b, "  </notice>\n");
    size_t nfacts = 0;
    for (size_t i = 0; i < dr->nquestions; i++) {
        nfacts += !strncmp(dr->questions[i].key, "fact:", 5);
    }
    if (nfacts) {
        poa_buf_puts(b, "  <facts>\n");
        for (size_t i = 0; i < dr->nquestions; i++) {
            const poa_question *q = &dr->questions[i];
            if (strncmp(q->key, "fact:", 5) || (q->optional && !q->value)) {
                continue;
            }
            poa_buf_printf(b, "    <fact name=\"%s\">", q->key + 5);
            value_or_fill(b, q);
            poa_buf_puts(b, "</fact>\n");
        }
        poa_buf_puts(b, "  </facts>\n");
    }
    poa_buf_puts(b, "  <evidence>\n");
    for (size_t i = 0; i < dr->nevidence; i++) {
        poa_buf_puts(b, "    <item");
        if (dr->evidence[i].date != POA_NO_DAY) {
            poa_day_format(dr->evidence[i].date, day);
            poa_buf_printf(b, " date=\"%s\"", day);
        }
        poa_buf_puts(b, ">");
        esc(b, dr->evidence[i].text);
        poa_buf_puts(b, "</item>\n");
    }
    if (!dr->nevidence) {
        poa_buf_puts(b,
                     "    <item>[[TO FILL: each document you hold (invoice, screenshot, "
                     "letter), with its date]]</item>\n");
    }
    poa_buf_puts(b, "  </evidence>\n  <signature>\n");
    element(b, dr, "    ", "name", "signature.name");
    element(b, dr, "    ", "title", "signature.title");
    poa_buf_puts(b, "  </signature>\n</case>\n");
    if (b->failed) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    xmlDocPtr doc;
    poa_status st = poa_xml_load_memory(&doc, poa_buf_cstr(b), b->len, "case.xml (draft)",
                                        xsd_path, err);
    if (st == POA_OK) {
        xmlFreeDoc(doc);
    }
    return st;
}

poa_status poa_case_add_reply(const char *case_path, const char *xsd_path,
                              const poa_notice *reply, poa_buf *out, poa_error *err) {
    xmlDocPtr doc;
    poa_status st = poa_xml_load(&doc, case_path, xsd_path, err);
    if (st != POA_OK) {
        return st;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr notice = poa_xml_child(root, "notice");
    if (!notice) {
        xmlNodePtr account = poa_xml_child(root, "account");
        notice = xmlNewDocNode(doc, root->ns, BAD_CAST "notice", NULL);
        xmlAddNextSibling(account, notice);
    }
    xmlNodePtr r = xmlNewDocNode(doc, root->ns, BAD_CAST "reply", NULL);
    xmlNodeAddContent(r, BAD_CAST reply->text);
    if (reply->date != POA_NO_DAY) {
        char day[11];
        poa_day_format(reply->date, day);
        xmlNewProp(r, BAD_CAST "date", BAD_CAST day);
    }
    if (reply->nreplies) {
        poa_buf kinds = POA_BUF_INIT;
        for (size_t i = 0; i < reply->nreplies; i++) {
            poa_buf_printf(&kinds, "%s%s", i ? " " : "", reply->replies[i].kind);
        }
        xmlNewProp(r, BAD_CAST "kind", BAD_CAST poa_buf_cstr(&kinds));
        poa_buf_free(&kinds);
    }
    /* reply is the last element a notice may hold */
    xmlAddChild(notice, xmlNewDocText(doc, BAD_CAST "  "));
    xmlAddChild(notice, r);
    xmlAddChild(notice, xmlNewDocText(doc, BAD_CAST "\n  "));
    xmlChar *mem = NULL;
    int len = 0;
    xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
    xmlFreeDoc(doc);
    if (!mem) {
        return poa_error_set(err, POA_ERR_NOMEM, case_path, 0, 0, "out of memory");
    }
    poa_buf_append(out, (const char *)mem, (size_t)len);
    xmlFree(mem);
    xmlDocPtr check;
    st = poa_xml_load_memory(&check, poa_buf_cstr(out), out->len, case_path, xsd_path,
                             err);
    if (st == POA_OK) {
        xmlFreeDoc(check);
    }
    return st;
}
