/* poagen — the data every stage reads, loaded once by the base module:
 * the rule table (targets, windows, lags, carriers, root causes and their
 * remediation), the marketplace table and the column aliases.
 * All of it lives in one poa_data, freed with poa_data_free(). */
#ifndef POAGEN_DATA_H
#define POAGEN_DATA_H

#include <stddef.h>

#include "poagen/arena.h"
#include "poagen/date.h"
#include "poagen/error.h"

#define POA_LANGS "en nl sv es da zh"

typedef enum { POA_OP_LT, POA_OP_LE, POA_OP_GT, POA_OP_GE, POA_OP_EQ } poa_op;
typedef enum { POA_SCOPE_ALL, POA_SCOPE_MFN } poa_scope;

/* One statement in several languages. */
typedef struct {
    const char *lang[8];
    const char *text[8];
    size_t count;
} poa_ltext;

/* The text in lang, else English, else the first one; "" when empty. */
const char *poa_ltext_get(const poa_ltext *t, const char *lang);

typedef struct {
    char id[8]; /* odr cr lsr vtr otdr rdr */
    poa_ltext name;
    poa_scope scope;
    int contractual;
    int windows[4]; /* days; windows[0] is the one a POA quotes */
    size_t nwindows;
    int lag;
    poa_op op;
    double target;
    /* The target as an exact decimal: target_units / 10^target_scale, so
     * pass/fail is decided on exact fractions, never on rounded floats. */
    long long target_units;
    int target_scale;
    int immature_days;
} poa_metric_def;

/* Parse a decimal ("0.04", "95", "-1.5") into units / 10^scale (scale <= 9);
 * returns -1 when it is not one. */
int poa_decimal_parse(const char *s, long long *units, int *scale);
/* Does numerator/denominator (denominator > 0) satisfy op against
 * units/10^scale? Exact integer arithmetic. */
int poa_fraction_holds(poa_op op, long long numerator, long long denominator,
                       long long units, int scale);

typedef struct {
    const char *driver;
    poa_op op;
    double value;
} poa_condition;

typedef struct {
    const char *name;
    double value;
} poa_param;

typedef struct {
    const char *name;
    const char *type; /* text, date, number */
    poa_ltext ask;
} poa_fact_def;

typedef struct {
    const char *id;
    const char *metric; /* metric id, or "" for a policy cause */
    const char *notice; /* notice type that names it, or "" */
    const char *share;  /* driver giving the share of the failure it explains */
    const char *source; /* seeds | poagen */
    poa_condition *when;
    size_t nwhen;
    poa_param *remedy;
    size_t nremedy;
    poa_fact_def *facts;
    size_t nfacts;
    poa_ltext title, explanation;
    poa_ltext *actions, *prevent, *evidence;
    size_t nactions, nprevent, nevidence;
    poa_ltext policy; /* the policies a POA for it says were reviewed; may be empty */
} poa_cause_def;

/* A complaint theme (counterfeit, damaged, ...): phrases per language that
 * mark a buyer's comment as being about it. Matched after Unicode case
 * folding; a phrase ending in '*' matches any word starting with it. */
typedef struct {
    const char *lang;
    const char *text;
} poa_theme_pattern;

typedef struct {
    const char *id;
    poa_theme_pattern *patterns;
    size_t npatterns;
} poa_theme_def;

typedef struct {
    const char *id;
    const char **aliases;
    size_t naliases;
    const char **formats; /* anchored regular expressions (POSIX ERE) */
    size_t nformats;
} poa_carrier_def;

typedef struct {
    const char *id;             /* uk, nl, ... */
    const char *marketplace_id; /* the performance report's marketplaceId */
    const char **names;
    size_t nnames;
    const char *language;
    int utc_offset; /* minutes east of UTC, standard time */
    const char *dst;
    char date_order[4];
    const char *codepage;
    unsigned char weekend[7]; /* Monday = 0 */
    int withdrawn_claims_count;
    int *holidays; /* days since 1970, sorted */
    size_t nholidays;
} poa_marketplace;

typedef struct {
    const char *field;
    int required;
    const char **aliases; /* normalised: lower case, '-' and '_' as ' ' */
    size_t naliases;
} poa_column_def;

typedef struct {
    const char *id; /* orders, feedback, ... */
    poa_column_def *columns;
    size_t ncolumns;
} poa_report_def;

typedef struct {
    poa_arena *arena;
    const char *dir;
    const char *rules_path;
    poa_metric_def *metrics;
    size_t nmetrics;
    poa_cause_def *causes;
    size_t ncauses;
    poa_carrier_def *carriers;
    size_t ncarriers;
    poa_theme_def *themes;
    size_t nthemes;
    int page_budget_max;
    int short_handling_days;
    poa_marketplace *marketplaces;
    size_t nmarketplaces;
    poa_report_def *reports;
    size_t nreports;
} poa_data;

/* Load everything from dir (rules.xml, marketplaces.xml, columns.xml and
 * their schemas). rules_path, when not NULL, replaces dir/rules.xml (a
 * consultant's own rule table). */
poa_status poa_data_load(poa_data **out, const char *dir, const char *rules_path,
                         poa_error *err);
void poa_data_free(poa_data *d);

/* Load and validate a rule table alone into d (used by `rules check`). */
poa_status poa_rules_table_load(poa_data *d, const char *path, poa_error *err);

const poa_metric_def *poa_data_metric(const poa_data *d, const char *id);
const poa_cause_def *poa_data_cause(const poa_data *d, const char *id);
/* By any of its names or its marketplaceId, case-insensitively; NULL if unknown. */
const poa_marketplace *poa_data_marketplace(const poa_data *d, const char *name);
const poa_report_def *poa_data_report(const poa_data *d, const char *id);
/* The carrier a name refers to, or NULL. */
const poa_carrier_def *poa_data_carrier(const poa_data *d, const char *name, size_t n);

/* Normalise a header name for comparison: lower case ASCII, '-', '_' and
 * runs of spaces as one space, trimmed. Writes at most cap-1 bytes. */
void poa_header_normalise(const char *s, size_t n, char *out, size_t cap);

/* Is day a business day of marketplace m (NULL: Mon-Fri)? */
int poa_business_day(const poa_marketplace *m, int day);
/* Business days after `from` up to and including `to` (0 when to <= from),
 * counted over POA_BUSINESS_DAYS_SPAN days at most. Any two ints will do,
 * POA_NO_DAY included. */
int poa_business_days_between(const poa_marketplace *m, int from, int to);
#define POA_BUSINESS_DAYS_SPAN 3660 /* a decade: bounds a corrupt date */
/* The business days of marketplace m over the days first..last, looked
 * up instead of worked out: stages that ask about millions of orders ask
 * about a few hundred distinct days. Days outside the span (and every day
 * when the table could not be made) are worked out as by the functions
 * above, so the answers are always theirs. */
typedef struct {
    const poa_marketplace *m;
    int first, last; /* the span the table covers; empty when first > last */
    /* Per day of the span: its weekday, plus 8 when it is a business day. */
    unsigned char *day;
    /* before[k]: business days from first up to first + k - 1. */
    int *before;
} poa_calendar;

/* A span longer than this is not tabled (its days are worked out). */
#define POA_CALENDAR_MAX_DAYS 65536

void poa_calendar_init(poa_calendar *cal, const poa_marketplace *m, int first, int last);
void poa_calendar_free(poa_calendar *cal);

static inline int poa_calendar_has(const poa_calendar *cal, int day) {
    return day >= cal->first && day <= cal->last;
}

/* As poa_day_weekday. */
static inline int poa_calendar_weekday(const poa_calendar *cal, int day) {
    return poa_calendar_has(cal, day) ? cal->day[day - cal->first] & 7
                                      : poa_day_weekday(day);
}

/* As poa_business_day. */
static inline int poa_calendar_business_day(const poa_calendar *cal, int day) {
    return poa_calendar_has(cal, day) ? cal->day[day - cal->first] >> 3
                                      : poa_business_day(cal->m, day);
}

/* As poa_business_days_between. */
static inline int poa_calendar_business_days_between(const poa_calendar *cal, int from,
                                                     int to) {
    if (poa_calendar_has(cal, from) && poa_calendar_has(cal, to) && to > from &&
        to - from <= POA_BUSINESS_DAYS_SPAN) {
        return cal->before[to - cal->first + 1] - cal->before[from - cal->first + 1];
    }
    return poa_business_days_between(cal->m, from, to);
}

/* UTC offset in minutes at a given UTC day (DST rules of m). */
int poa_marketplace_offset(const poa_marketplace *m, int utc_day);

/* Compare a value with a target. */
int poa_op_holds(poa_op op, double value, double target);
const char *poa_op_name(poa_op op);

/* The data folder: --data, else $POAGEN_DATA, else the source tree's copy
 * when running from a build folder, else the installed one. */
const char *poa_default_data_dir(void);
/* The font folder: $POAGEN_FONTS, else <data>/fonts, else the build's. */
const char *poa_default_font_dir(const char *data_dir, char *buf, size_t cap);

#endif
