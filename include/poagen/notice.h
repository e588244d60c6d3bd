/* poagen — notice stage: a marketplace notice (or its reply to an appeal)
 * becomes case facts. The phrases it looks for are data, per language, in
 * templates/notices.xml; `poagen init` turns the result into case.xml. */
#ifndef POAGEN_NOTICE_H
#define POAGEN_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "poagen/arena.h"
#include "poagen/buf.h"
#include "poagen/data.h"
#include "poagen/error.h"
#include "poagen/ingest.h"

/* The phrase table (notices.xml), loaded once. */
typedef struct poa_notice_table poa_notice_table;

/* Load dir/notices.xml, validated against dir/notices.xsd. */
poa_status poa_notice_table_load(poa_notice_table **out, const char *dir, poa_error *err);
void poa_notice_table_free(poa_notice_table *t);

/* Turn the bytes of a notice into plain UTF-8 text. A saved e-mail (.eml:
 * headers, MIME parts, quoted-printable or base64, any charset iconv knows,
 * HTML parts) is recognised by its headers; anything else is taken as text
 * (UTF-8, else Windows-1252). *date_out is the e-mail's Date header as a
 * day, POA_NO_DAY without one. */
poa_status poa_notice_text(poa_buf *out, int32_t *date_out, const char *bytes, size_t n,
                           const char *name, poa_error *err);

typedef struct {
    const char *id;       /* a type id of notices.xml: odr ... payment_hold */
    int metric;           /* an account-health metric */
    int poa;              /* 0: a Plan of Action is the wrong answer */
    int ip;               /* an IP complaint: remediate or dispute */
    const char *evidence; /* the sentence that names it, as written */
} poa_notice_cause;

typedef struct {
    const char *metric;
    double rate; /* a fraction: 11,2 % is 0.112 */
    const char *evidence;
} poa_notice_figure;

typedef struct {
    const char *kind; /* complaint | case */
    const char *value;
} poa_notice_ref;

typedef struct {
    const char *kind; /* more-root-cause ... reinstated */
    const char *evidence;
} poa_notice_reply_item;

typedef struct {
    poa_arena *arena;
    const char *text;        /* the decoded text */
    const char *language;    /* en nl sv es da zh; NULL when unknown */
    const char *marketplace; /* the table's first name; NULL when none named */
    const char *action; /* mfn-restriction deactivation hold listing-removal warning */
    const char *action_evidence;
    int32_t date;     /* the notice's date, POA_NO_DAY when unknown */
    int32_t deadline; /* POA_NO_DAY when none */
    const char *deadline_evidence;
    int deadline_unresolved; /* "within N days" but no notice date */
    poa_notice_cause *causes;
    size_t ncauses;
    poa_notice_figure *figures;
    size_t nfigures;
    const char **asins;
    size_t nasins;
    poa_notice_ref *refs;
    size_t nrefs;
    const char **owners; /* rights owners */
    size_t nowners;
    const char **asks; /* sentences saying what the notice asks for */
    size_t nasks;
    poa_notice_reply_item *replies; /* only when decoded as a reply */
    size_t nreplies;
    const char **unknown; /* sentences nothing was understood in */
    size_t nunknown;
    int understood; /* a cause or an action (a reply kind for replies) */
} poa_notice;

typedef struct {
    const char *lang; /* --lang: skip detection; NULL to detect */
    int32_t date;     /* the notice's date when known from elsewhere */
    int reply;        /* decode as a reply to an appeal */
} poa_notice_options;

/* Decode text. Never guesses: what is not found stays empty. */
poa_status poa_notice_decode(poa_notice **out, const poa_notice_table *t,
                             const poa_data *d, const char *text, size_t n,
                             const poa_notice_options *opt, poa_error *err);
void poa_notice_free(poa_notice *n);

/* The decoded notice as JSON (the `init --format json` shape), in out. */
void poa_notice_json(const poa_notice *n, const poa_notice *reply, poa_buf *out);

/* ---- case.xml drafts ---- */

typedef enum { POA_Q_TEXT, POA_Q_DATE, POA_Q_NUMBER, POA_Q_CHOICE } poa_question_type;

/* A fact the notice and the data cannot give: asked on a terminal, else
 * written as a [[TO FILL: ...]] placeholder. */
typedef struct {
    const char *key; /* seller.name, signature.name, fact:<name>, notice.date, ip_route */
    poa_question_type type;
    const char *ask; /* the question, in the case's language when the rule table has it */
    const char *choices; /* POA_Q_CHOICE: "remediate|dispute" */
    int optional;        /* an empty answer leaves the placeholder */
    const char *value;   /* the answer; NULL while unknown */
} poa_question;

typedef struct {
    const char *text;
    int32_t date;
} poa_draft_evidence;

typedef struct {
    poa_arena *arena;
    const poa_notice *notice, *reply;
    const char *language;
    const char *marketplace;
    const char *status; /* case.xsd's account status */
    poa_question *questions;
    size_t nquestions;
    poa_draft_evidence *evidence;
    size_t nevidence, cap_evidence;
} poa_case_draft;

/* Build the draft from the notice (required), a reply (or NULL), the data
 * and the case's exports (or NULL). lang overrides the detected language. */
poa_status poa_case_draft_make(poa_case_draft **out, const poa_notice *notice,
                               const poa_notice *reply, const poa_data *d,
                               const poa_case *c, const char *lang, poa_error *err);
void poa_case_draft_free(poa_case_draft *dr);

/* Check an answer; 0 when acceptable, else -1 with the reason in why. */
int poa_question_check(const poa_question *q, const char *answer, char *why, size_t cap);
/* Record an answer (copied). */
void poa_question_answer(poa_case_draft *dr, poa_question *q, const char *answer);
/* Add an evidence item the seller holds (date POA_NO_DAY when unknown). */
void poa_case_draft_add_evidence(poa_case_draft *dr, const char *text, int32_t date);

/* case.xml text, validated against xsd_path (case.xsd). */
poa_status poa_case_draft_xml(const poa_case_draft *dr, const char *xsd_path,
                              poa_buf *out, poa_error *err);

/* Add a reply to the notice of an existing case.xml (read from case_path,
 * validated, modified, validated again); the new text goes to out. */
poa_status poa_case_add_reply(const char *case_path, const char *xsd_path,
                              const poa_notice *reply, poa_buf *out, poa_error *err);

#endif
