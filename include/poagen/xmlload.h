/* poagen — loading untrusted XML safely (base module).
 *
 * Every XML file poagen reads (case.xml, rule table, marketplace table,
 * performance reports) goes through here: no network, no external entities,
 * no DTD loading, entity expansion bounded by libxml2's own limits, and
 * optional XSD validation with file and line in every error. */
#ifndef POAGEN_XMLLOAD_H
#define POAGEN_XMLLOAD_H

#include <libxml/tree.h>

#include "poagen/arena.h"
#include "poagen/error.h"

/* Parse path and, when xsd_path is not NULL, validate it against that
 * schema. On success *out is a document the caller frees with xmlFreeDoc.
 * Errors carry the file, line and column (when libxml2 knows it). */
poa_status poa_xml_load(xmlDocPtr *out, const char *path, const char *xsd_path,
                        poa_error *err);

/* Same, from a buffer; name is used in messages. */
poa_status poa_xml_load_memory(xmlDocPtr *out, const char *data, size_t len,
                               const char *name, const char *xsd_path, poa_error *err);

/* Free the schemas kept between loads (see xmlload.c); call before exit
 * so leak checkers see a clean process. Loading afterwards still works. */
void poa_xml_release_cache(void);

/* Helpers for walking a validated tree. */
/* The element's text, trimmed, as a new libxml2 string (xmlFree it), or NULL. */
xmlChar *poa_xml_text(xmlNodePtr node);
/* Copies into an arena, for tables that live as long as it: the
 * attribute's value (NULL when absent or node is NULL), the element's
 * trimmed text (NULL when node is NULL, "" when it has none). */
char *poa_xml_attr_dup(poa_arena *a, xmlNodePtr node, const char *name);
char *poa_xml_text_dup(poa_arena *a, xmlNodePtr node);
/* The first child element named name (any namespace), or NULL. */
xmlNodePtr poa_xml_child(xmlNodePtr node, const char *name);
/* The next sibling element after node named name (or any name when NULL). */
xmlNodePtr poa_xml_next(xmlNodePtr node, const char *name);
/* The xml:lang in effect at node ("" when none). */
const char *poa_xml_lang(xmlNodePtr node, char buf[16]);

#endif
