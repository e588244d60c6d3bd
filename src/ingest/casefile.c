/* case.xml: what the seller states about their case, validated against
 * templates/case.xsd before anything is read from it. */
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>

#include "ingest/ingest_private.h"
#include "poagen/date.h"
#include "poagen/xmlload.h"

static const char *dup_text(poa_arena *a, xmlNodePtr n) {
    if (!n) {
        return NULL;
    }
    xmlChar *t = poa_xml_text(n);
    const char *s = poa_arena_strdup(a, t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

static const char *dup_attr(poa_arena *a, xmlNodePtr n, const char *name) {
    xmlChar *v = n ? xmlGetProp(n, BAD_CAST name) : NULL;
    if (!v) {
        return NULL;
    }
    const char *s = poa_arena_strdup(a, (const char *)v);
    xmlFree(v);
    return s;
}

static int32_t date_attr(poa_arena *a, xmlNodePtr n, const char *name) {
    const char *s = dup_attr(a, n, name);
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
    info->seller_name = dup_text(a, poa_xml_child(seller, "name"));
    info->store = dup_text(a, poa_xml_child(seller, "store"));
    info->merchant_token = dup_text(a, poa_xml_child(seller, "merchant-token"));
    info->email = dup_text(a, poa_xml_child(seller, "email"));
    info->marketplace = dup_text(a, poa_xml_child(root, "marketplace"));
    info->language = dup_text(a, poa_xml_child(root, "language"));
    if (!info->language) {
        info->language = "";
    }
    info->account_status = dup_attr(a, poa_xml_child(root, "account"), "status");
    xmlNodePtr notice = poa_xml_child(root, "notice");
    info->notice_date = date_attr(a, notice, "date");
    info->notice_case_id = dup_attr(a, notice, "case-id");
    info->notice_text = dup_text(a, poa_xml_child(notice, "text"));
    info->nnotice_causes = count(notice, "cause");
    info->notice_causes = poa_arena_alloc(a, (info->nnotice_causes + 1) * sizeof(char *));
    size_t i = 0;
    for (xmlNodePtr k = poa_xml_child(notice, "cause"); k; k = poa_xml_next(k, "cause")) {
        info->notice_causes[i++] = dup_text(a, k);
    }
    xmlNodePtr facts = poa_xml_child(root, "facts");
    info->nfacts = count(facts, "fact");
    info->facts = poa_arena_alloc(a, (info->nfacts + 1) * sizeof *info->facts);
    i = 0;
    for (xmlNodePtr k = poa_xml_child(facts, "fact"); k;
         k = poa_xml_next(k, "fact"), i++) {
        info->facts[i].name = dup_attr(a, k, "name");
        info->facts[i].value = dup_text(a, k);
    }
    xmlNodePtr ev = poa_xml_child(root, "evidence");
    info->nevidence = count(ev, "item");
    info->evidence = poa_arena_alloc(a, (info->nevidence + 1) * sizeof *info->evidence);
    i = 0;
    for (xmlNodePtr k = poa_xml_child(ev, "item"); k; k = poa_xml_next(k, "item"), i++) {
        info->evidence[i].text = dup_text(a, k);
        info->evidence[i].file = dup_attr(a, k, "file");
        info->evidence[i].date = date_attr(a, k, "date");
    }
    xmlNodePtr sig = poa_xml_child(root, "signature");
    info->signature_name = dup_text(a, poa_xml_child(sig, "name"));
    info->signature_title = dup_text(a, poa_xml_child(sig, "title"));
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
