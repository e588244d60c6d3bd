#include "poagen/xmlload.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <pthread.h>
#include <string.h>

#include "poagen/buf.h"

enum { MAX_XML_BYTES = 256 * 1024 * 1024 };

/* Refuses every external resource: DTDs, external entities, XIncludes.
 * XML_PARSE_NONET alone still lets file:// through. */
static xmlParserInputPtr deny_loader(const char *url, const char *id,
                                     xmlParserCtxtPtr ctxt) {
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void init_libxml(void) {
    xmlInitParser();
}

typedef struct {
    poa_error *err;
    const char *name;
    int have;
} error_sink;

static void structured_error(void *payload, xmlErrorPtr e) {
    error_sink *sink = payload;
    if (sink->have || !e || e->level < XML_ERR_ERROR) {
        return;
    }
    sink->have = 1;
    char msg[400];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "malformed XML");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) {
        msg[--n] = '\0';
    }
    const char *file = e->file ? e->file : sink->name;
    poa_error_set(sink->err,
                  e->domain == XML_FROM_SCHEMASV ? POA_ERR_SCHEMA : POA_ERR_PARSE, file,
                  e->line > 0 ? (unsigned)e->line : 0,
                  e->int2 > 0 ? (unsigned)e->int2 : 0, "%s", msg);
}

/* Parsed schemas, kept for the life of the process: a batch validates
 * thousands of case.xml files against the same few schemas, and parsing
 * a schema costs far more than validating a small document. Per thread,
 * as libxml2 schema objects are not shared across threads. */
enum { SCHEMA_CACHE = 8 };
static _Thread_local struct {
    char path[512];
    xmlSchemaPtr schema;
} schema_cache[SCHEMA_CACHE];

static xmlSchemaPtr cached_schema(const char *xsd_path, error_sink *sink) {
    for (size_t i = 0; i < SCHEMA_CACHE; i++) {
        if (schema_cache[i].schema && strcmp(schema_cache[i].path, xsd_path) == 0) {
            return schema_cache[i].schema;
        }
    }
    xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt(xsd_path);
    if (!pctx) {
        return NULL;
    }
    xmlSchemaSetParserStructuredErrors(pctx, structured_error, sink);
    xmlSchemaPtr schema = xmlSchemaParse(pctx);
    xmlSchemaFreeParserCtxt(pctx);
    if (!schema || strlen(xsd_path) >= sizeof schema_cache[0].path) {
        return schema; /* not cached: the caller frees it */
    }
    for (size_t i = 0; i < SCHEMA_CACHE; i++) {
        if (!schema_cache[i].schema) {
            snprintf(schema_cache[i].path, sizeof schema_cache[i].path, "%s", xsd_path);
            schema_cache[i].schema = schema;
            return schema;
        }
    }
    return schema;
}

static int is_cached(xmlSchemaPtr schema) {
    for (size_t i = 0; i < SCHEMA_CACHE; i++) {
        if (schema_cache[i].schema == schema) {
            return 1;
        }
    }
    return 0;
}

void poa_xml_release_cache(void) {
    for (size_t i = 0; i < SCHEMA_CACHE; i++) {
        if (schema_cache[i].schema) {
            xmlSchemaFree(schema_cache[i].schema);
            schema_cache[i].schema = NULL;
        }
    }
}

static poa_status validate(xmlDocPtr doc, const char *name, const char *xsd_path,
                           poa_error *err) {
    error_sink sink = {err, xsd_path, 0};
    xmlSchemaPtr schema = cached_schema(xsd_path, &sink);
    if (!schema) {
        if (!sink.have) {
            poa_error_set(err, POA_ERR_IO, xsd_path, 0, 0,
                          "cannot load the schema — check the data folder (--data)");
        }
        return err ? err->status : POA_ERR_IO;
    }
    xmlSchemaValidCtxtPtr vctx = xmlSchemaNewValidCtxt(schema);
    if (!vctx) {
        if (!is_cached(schema)) {
            xmlSchemaFree(schema);
        }
        return poa_error_set(err, POA_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    sink.name = name;
    sink.have = 0;
    xmlSchemaSetValidStructuredErrors(vctx, structured_error, &sink);
    int rc = xmlSchemaValidateDoc(vctx, doc);
    xmlSchemaFreeValidCtxt(vctx);
    if (!is_cached(schema)) {
        xmlSchemaFree(schema);
    }
    if (rc != 0) {
        if (!sink.have) {
            poa_error_set(err, POA_ERR_SCHEMA, name, 0, 0, "does not match its schema");
        }
        if (err) {
            err->status = POA_ERR_SCHEMA;
        }
        return POA_ERR_SCHEMA;
    }
    return POA_OK;
}

/* The line of the DOCTYPE, for the message (1 when not found as such,
 * e.g. in UTF-16). */
static unsigned doctype_line(const char *data, size_t len) {
    const char *d = memmem(data, len, "<!DOCTYPE", 9);
    unsigned line = 1;
    for (const char *p = data; d && p < d; p++) {
        line += *p == '\n';
    }
    return line;
}

poa_status poa_xml_load_memory(xmlDocPtr *out, const char *data, size_t len,
                               const char *name, const char *xsd_path, poa_error *err) {
    *out = NULL;
    pthread_once(&init_once, init_libxml);
    if (len > (size_t)MAX_XML_BYTES || len > (size_t)2147483647) {
        return poa_error_set(err, POA_ERR_PARSE, name, 0, 0, "XML file too large");
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        return poa_error_set(err, POA_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    error_sink sink = {err, name, 0};
    xmlSetStructuredErrorFunc(&sink, structured_error);
    xmlExternalEntityLoader previous = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(deny_loader);
    /* NONET, no NOENT/DTDLOAD/DTDATTR/XINCLUDE/HUGE: entities stay
     * unexpanded references and libxml2's amplification limits apply. */
    int opts = XML_PARSE_NONET | XML_PARSE_NONET | XML_PARSE_BIG_LINES |
               XML_PARSE_NOWARNING | XML_PARSE_NOERROR;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL, opts);
    int wellformed = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!doc || !wellformed) {
        xmlSetExternalEntityLoader(previous);
        if (doc) {
            xmlFreeDoc(doc);
        }
        if (!sink.have) {
            poa_error_set(err, POA_ERR_PARSE, name, 0, 0, "malformed XML");
        }
        if (err && err->status == POA_OK) {
            err->status = POA_ERR_PARSE;
        }
        return POA_ERR_PARSE;
    }
    /* A document type declaration is refused outright: no POA input needs
     * one, and it is how entity bombs, XXE and DTD fetching arrive. */
    if (doc->intSubset || doc->extSubset) {
        int entities = doc->intSubset && doc->intSubset->entities;
        xmlSetExternalEntityLoader(previous);
        xmlFreeDoc(doc);
        return poa_error_set(err, POA_ERR_PARSE, name, doctype_line(data, len), 1,
                             entities ? "entity declarations are not accepted — remove "
                                        "the DOCTYPE"
                                      : "a document type declaration (DOCTYPE) is not "
                                        "accepted — remove it");
    }
    /* The schema loader must read our own XSD files, so restore it first. */
    xmlSetExternalEntityLoader(previous);
    if (xsd_path) {
        poa_status st = validate(doc, name, xsd_path, err);
        if (st != POA_OK) {
            xmlFreeDoc(doc);
            return st;
        }
    }
    *out = doc;
    return POA_OK;
}

poa_status poa_xml_load(xmlDocPtr *out, const char *path, const char *xsd_path,
                        poa_error *err) {
    poa_buf b = POA_BUF_INIT;
    poa_status st = poa_buf_read_file(&b, path, MAX_XML_BYTES, err);
    if (st == POA_OK) {
        st = poa_xml_load_memory(out, poa_buf_cstr(&b), b.len, path, xsd_path, err);
    } else {
        *out = NULL;
    }
    poa_buf_free(&b);
    return st;
}

xmlChar *poa_xml_text(xmlNodePtr node) {
    if (!node) {
        return NULL;
    }
    xmlChar *t = xmlNodeGetContent(node);
    if (!t) {
        return NULL;
    }
    size_t n = strlen((char *)t), s = 0;
    while (s < n && (t[s] == ' ' || t[s] == '\n' || t[s] == '\t' || t[s] == '\r')) {
        s++;
    }
    while (n > s && (t[n - 1] == ' ' || t[n - 1] == '\n' || t[n - 1] == '\t' ||
                     t[n - 1] == '\r')) {
        n--;
    }
    memmove(t, t + s, n - s);
    t[n - s] = '\0';
    return t;
}

xmlNodePtr poa_xml_next(xmlNodePtr node, const char *name) {
    for (xmlNodePtr c = node ? node->next : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE &&
            (!name || xmlStrcmp(c->name, BAD_CAST name) == 0)) {
            return c;
        }
    }
    return NULL;
}

xmlNodePtr poa_xml_child(xmlNodePtr node, const char *name) {
    for (xmlNodePtr c = node ? node->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE &&
            (!name || xmlStrcmp(c->name, BAD_CAST name) == 0)) {
            return c;
        }
    }
    return NULL;
}

const char *poa_xml_lang(xmlNodePtr node, char buf[16]) {
    xmlChar *l = xmlNodeGetLang(node);
    snprintf(buf, 16, "%s", l ? (char *)l : "");
    xmlFree(l);
    return buf;
}

char *poa_xml_attr_dup(poa_arena *a, xmlNodePtr node, const char *name) {
    xmlChar *v = node ? xmlGetProp(node, BAD_CAST name) : NULL;
    if (!v) {
        return NULL;
    }
    char *s = poa_arena_strdup(a, (const char *)v);
    xmlFree(v);
    return s;
}

char *poa_xml_text_dup(poa_arena *a, xmlNodePtr node) {
    if (!node) {
        return NULL;
    }
    xmlChar *t = poa_xml_text(node);
    char *s = poa_arena_strdup(a, t ? (const char *)t : "");
    xmlFree(t);
    return s;
}
