/* case.xml: what the seller states about their case, validated against
 * templates/case.xsd before anything is read from it. */
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest_private.h"
#include "poagen/date.h"
#include "poagen/xmlload.h"

static int32_t date_attr(poa_arena *a, xmlNodePtr n, const char *name) {
    const char *s = poa_xml_attr_dup(a, n, name);
    int day;
    if (s && poa_parse_iso_day(s, strlen(s), 0, &day, NULL) == 0) {
        return day;
    }
    return POA_NO_DAY;
}

static size_t count(xmlNodePtr parent, const char *name) {
    size_t c = 0;
    for (xmlNodePtr k = poa_xml_child(parent, name); k; k = poa_xml_next(k, name)) {
        c++;
    }
    return c;
}

/* A whitespace-separated attribute value (xs:list) as strings. */
static const char **split_list(poa_arena *a, const char *v, size_t *n) {
    size_t cap = 1;
    for (const char *p = v; p && *p; p++) {
        cap += *p == ' ';
    }
    const char **out = poa_arena_alloc(a, (cap + 1) * sizeof *out);
    *n = 0;
    for (const char *p = v; p && *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            p++;
        }
        size_t len = strcspn(p, " \t\n\r");
        if (len) {
            char *w = poa_arena_alloc(a, len + 1);
            memcpy(w, p, len);
            w[len] = '\0';
            out[(*n)++] = w;
        }
        p += len;
    }
    out[*n] = NULL;
    return out;
}

/* What poagen init decoded from the notice: deadline, action, the figures
 * it quoted, what it asks for and the replies to earlier appeals. */
unsigned poa_reply_kind(const char *word, size_t len) {
    /* In POA_REPLY_* bit order. */
    static const char *const kinds[] = {"more-root-cause", "more-actions",
                                        "more-prevention", "documents",
                                        "rejected",        "reinstated"};
    for (size_t b = 0; b < sizeof kinds / sizeof *kinds; b++) {
        if (strlen(kinds[b]) == len && memcmp(word, kinds[b], len) == 0) {
            return 1u << b;
        }
    }
    return 0;
}

static void read_decoded(poa_arena *a, poa_case_info *info, xmlNodePtr notice) {
    info->notice_deadline = date_attr(a, notice, "deadline");
    info->notice_action = poa_xml_attr_dup(a, notice, "action");
    if (!info->notice_action) {
        info->notice_action = "";
    }
    info->nnotice_figures = count(notice, "figure");
    info->notice_figures =
        poa_arena_alloc(a, (info->nnotice_figures + 1) * sizeof *info->notice_figures);
    size_t i = 0;
    for (xmlNodePtr k = poa_xml_child(notice, "figure"); k;
         k = poa_xml_next(k, "figure"), i++) {
        poa_case_figure *f = &info->notice_figures[i];
        f->metric = poa_xml_attr_dup(a, k, "metric");
        f->text = poa_xml_attr_dup(a, k, "rate");
        f->rate = f->text ? strtod(f->text, NULL) : 0;
    }
    info->nnotice_asks = count(notice, "asks");
    info->notice_asks = poa_arena_alloc(a, (info->nnotice_asks + 1) * sizeof(char *));
    i = 0;
    for (xmlNodePtr k = poa_xml_child(notice, "asks"); k; k = poa_xml_next(k, "asks")) {
        info->notice_asks[i++] = poa_xml_text_dup(a, k);
    }
    info->nreplies = count(notice, "reply");
    info->replies = poa_arena_alloc(a, (info->nreplies + 1) * sizeof *info->replies);
    i = 0;
    for (xmlNodePtr k = poa_xml_child(notice, "reply"); k;
         k = poa_xml_next(k, "reply"), i++) {
        poa_reply *r = &info->replies[i];
        r->date = date_attr(a, k, "date");
        r->text = poa_xml_text_dup(a, k);
        size_t nk;
        const char **words = split_list(a, poa_xml_attr_dup(a, k, "kind"), &nk);
        for (size_t w = 0; w < nk; w++) {
            r->kinds |= poa_reply_kind(words[w], strlen(words[w]));
        }
    }
}

poa_status poa_ingest__case_file(poa_case *c, const char *path, const poa_data *data,
                                 poa_error *err) {
    char xsd[4096];
    snprintf(xsd, sizeof xsd, "%s/case.xsd", data->dir);
    xmlDocPtr doc;
    poa_status st = poa_xml_load(&doc, path, xsd, err);
    if (st != POA_OK) {
        return st;
    }
    poa_arena *a = c->arena;
    poa_case_info *info = &c->info;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr seller = poa_xml_child(root, "seller");
    info->present = 1;
    info->seller_name = poa_xml_text_dup(a, poa_xml_child(seller, "name"));
    info->store = poa_xml_text_dup(a, poa_xml_child(seller, "store"));
    info->merchant_token = poa_xml_text_dup(a, poa_xml_child(seller, "merchant-token"));
    info->email = poa_xml_text_dup(a, poa_xml_child(seller, "email"));
    info->marketplace = poa_xml_text_dup(a, poa_xml_child(root, "marketplace"));
    info->language = poa_xml_text_dup(a, poa_xml_child(root, "language"));
    if (!info->language) {
        info->language = "";
    }
    info->account_status = poa_xml_attr_dup(a, poa_xml_child(root, "account"), "status");
    xmlNodePtr notice = poa_xml_child(root, "notice");
    info->notice_date = date_attr(a, notice, "date");
    info->notice_case_id = poa_xml_attr_dup(a, notice, "case-id");
    info->notice_text = poa_xml_text_dup(a, poa_xml_child(notice, "text"));
    info->nnotice_causes = count(notice, "cause");
    info->notice_causes = poa_arena_alloc(a, (info->nnotice_causes + 1) * sizeof(char *));
    size_t i = 0;
    for (xmlNodePtr k = poa_xml_child(notice, "cause"); k; k = poa_xml_next(k, "cause")) {
        info->notice_causes[i++] = poa_xml_text_dup(a, k);
    }
    read_decoded(a, info, notice);
    xmlNodePtr facts = poa_xml_child(root, "facts");
    info->nfacts = count(facts, "fact");
    info->facts = poa_arena_alloc(a, (info->nfacts + 1) * sizeof *info->facts);
    i = 0;
    for (xmlNodePtr k = poa_xml_child(facts, "fact"); k;
         k = poa_xml_next(k, "fact"), i++) {
        info->facts[i].name = poa_xml_attr_dup(a, k, "name");
        info->facts[i].value = poa_xml_text_dup(a, k);
    }
    xmlNodePtr ev = poa_xml_child(root, "evidence");
    info->nevidence = count(ev, "item");
    info->evidence = poa_arena_alloc(a, (info->nevidence + 1) * sizeof *info->evidence);
    i = 0;
    for (xmlNodePtr k = poa_xml_child(ev, "item"); k; k = poa_xml_next(k, "item"), i++) {
        info->evidence[i].text = poa_xml_text_dup(a, k);
        info->evidence[i].file = poa_xml_attr_dup(a, k, "file");
        info->evidence[i].date = date_attr(a, k, "date");
        info->evidence[i].answers =
            split_list(a, poa_xml_attr_dup(a, k, "answers"), &info->evidence[i].nanswers);
    }
    xmlNodePtr sig = poa_xml_child(root, "signature");
    info->signature_name = poa_xml_text_dup(a, poa_xml_child(sig, "name"));
    info->signature_title = poa_xml_text_dup(a, poa_xml_child(sig, "title"));
    xmlFreeDoc(doc);
    if (info->marketplace && !c->marketplace) {
        c->marketplace = poa_data_marketplace(data, info->marketplace);
        if (!c->marketplace) {
            return poa_error_set(err, POA_ERR_PARSE, path, 0, 0,
                                 "unknown marketplace '%s' — use a name from "
                                 "marketplaces.xml such as Amazon.co.uk",
                                 info->marketplace);
        }
    }
    return POA_OK;
}
