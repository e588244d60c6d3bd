/* A small deterministic SVG chart writer for the analysis report: bar
 * charts and daily line charts, drawn the same way every time (fixed
 * geometry, numbers printed with one decimal), readable in black and white
 * and labelled for screen readers (role="img", <title>, <desc>). */
#ifndef POAGEN_RENDER_SVG_H
#define POAGEN_RENDER_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "poagen/buf.h"

/* HTML/XML text and attribute escaping. */

typedef struct {
    const char *label;      /* category, left of its bar */
    double value;           /* >= 0 */
    const char *value_text; /* printed after the bar: the count, "3 of 10", ... */
    int emphasis;           /* drawn solid dark; others mid grey */
} svg_bar;

typedef struct {
    const char *id; /* unique within the page: prefixes the title/desc ids */
    const char *title, *desc;
    const char *value_axis; /* what the bar length measures */
    const svg_bar *bars;
    size_t nbars;
    int percent;      /* values are fractions: axis in % */
    double reference; /* a vertical reference line (the target); < 0: none */
    const char *reference_label;
} svg_bar_chart;

void svg_bars(poa_buf *b, const svg_bar_chart *c);

typedef struct {
    const char *label;           /* written at the line's last point */
    const double *y;             /* ndays fractions; < 0: no figure that day */
    const unsigned char *hollow; /* ndays flags: drawn as open circles; may be NULL */
    int dashed;
} svg_series;

typedef struct {
    const char *id, *title, *desc;
    const char *y_axis;
    int32_t first_day; /* the x axis: first_day .. first_day + ndays - 1 */
    size_t ndays;
    const svg_series *series;
    size_t nseries;
    double target; /* fraction; drawn as a labelled dashed line */
    const char *target_label;
    size_t shade_days; /* the first shade_days days get a hatched band */
    const char *shade_label;
} svg_line_chart;

void svg_lines(poa_buf *b, const svg_line_chart *c);

/* The y-axis top for values up to v (fractions): 1, 2, 2.5 or 5 × 10^k. */
double svg_nice_max(double v);

#endif
