/* Charts for the analysis report. Every coordinate is printed with one
 * decimal from fixed geometry, so the same figures give the same bytes.
 * Scales start at zero, there is one axis per chart, and every mark that
 * carries meaning also carries text (values, the target's label), so the
 * charts read the same in black and white. */
#include "render/svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "poagen/date.h"

double svg_nice_max(double v) {
    if (!(v > 0)) {
        return 1;
    }
    double p = pow(10, floor(log10(v)));
    static const double steps[] = {1, 2, 2.5, 5, 10};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        /* a hair of tolerance: 0.04 must not become 0.05 through rounding */
        if (steps[i] * p >= v * (1 - 1e-9)) {
            return steps[i] * p;
        }
    }
    return 10 * p;
}

/* A tick label: "2.5 %" or "12"; trailing ".0" dropped. */
static void tick_label(double v, int percent, char *out, size_t cap) {
    double x = percent ? v * 100 : v;
    char num[32];
    snprintf(num, sizeof num, "%.2f", x);
    char *dot = strchr(num, '.');
    if (dot) {
        char *end = num + strlen(num) - 1;
        while (end > dot && *end == '0') {
            *end-- = '\0';
        }
        if (end == dot) {
            *end = '\0';
        }
    }
    snprintf(out, cap, "%s%s", num, percent ? " %" : "");
}

static void open_svg(poa_buf *b, const char *id, double w, double h, const char *title,
                     const char *desc) {
    poa_buf_printf(b,
                   "<svg class=\"chart\" "
                   "viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                   "aria-labelledby=\"%s-t %s-d\">\n<title id=\"%s-t\">",
                   w, h, id, id, id);
    poa_buf_put_html(b, title);
    poa_buf_printf(b, "</title>\n<desc id=\"%s-d\">", id);
    poa_buf_put_html(b, desc);
    poa_buf_puts(b, "</desc>\n");
}

static void text(poa_buf *b, double x, double y, const char *anchor, const char *cls,
                 const char *s) {
    poa_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s%s%s>", x, y,
                   anchor, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    poa_buf_put_html(b, s);
    poa_buf_puts(b, "</text>\n");
}

enum { BAR_W = 720, BAR_X0 = 200, BAR_X1 = 590, BAR_TOP = 30, BAR_ROW = 24 };

void svg_bars(poa_buf *b, const svg_bar_chart *c) {
    double vmax = c->reference > 0 ? c->reference : 0;
    for (size_t i = 0; i < c->nbars; i++) {
        vmax = c->bars[i].value > vmax ? c->bars[i].value : vmax;
    }
    double top = c->percent ? svg_nice_max(vmax > 0 ? vmax : 0.01)
                            : svg_nice_max(vmax > 5 ? vmax : 5);
    if (!c->percent && top == 25) {
        top = 30; /* counts: whole-number ticks */
    }
    double plot_h = (double)c->nbars * BAR_ROW;
    double h = BAR_TOP + plot_h + 52;
    open_svg(b, c->id, BAR_W, h, c->title, c->desc);
    double span = BAR_X1 - BAR_X0;
    /* grid and ticks: five intervals */
    for (int k = 0; k <= 5; k++) {
        double v = top * k / 5, x = BAR_X0 + span * k / 5;
        char lab[32];
        tick_label(v, c->percent, lab, sizeof lab);
        poa_buf_printf(b,
                       "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
                       "y2=\"%.1f\"/>\n",
                       x, BAR_TOP - 4, x, BAR_TOP + plot_h);
        text(b, x, BAR_TOP + plot_h + 16, "middle", "tick", lab);
    }
    text(b, BAR_X0 + span / 2, BAR_TOP + plot_h + 38, "middle", "axis", c->value_axis);
    for (size_t i = 0; i < c->nbars; i++) {
        const svg_bar *r = &c->bars[i];
        double y = BAR_TOP + (double)i * BAR_ROW;
        double len = r->value > 0 ? span * r->value / top : 0;
        text(b, BAR_X0 - 8, y + 16, "end", "label", r->label);
        poa_buf_printf(b,
                       "<rect class=\"%s\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" "
                       "height=\"16\"/>\n",
                       r->emphasis ? "bar em" : "bar", BAR_X0, y + 4, len);
        text(b, BAR_X0 + len + 6, y + 16, "start", "value",
             r->value_text ? r->value_text : "");
    }
    poa_buf_printf(
        b, "<line class=\"axisline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\"/>\n",
        BAR_X0, BAR_TOP - 4, BAR_X0, BAR_TOP + plot_h);
    if (c->reference > 0) {
        double x = BAR_X0 + span * c->reference / top;
        poa_buf_printf(b,
                       "<line class=\"target\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
                       "y2=\"%.1f\"/>\n",
                       x, BAR_TOP - 10, x, BAR_TOP + plot_h);
        text(b, x, BAR_TOP - 14, "middle", "targetlabel",
             c->reference_label ? c->reference_label : "target");
    }
    poa_buf_puts(b, "</svg>\n");
}

enum { LINE_W = 720, LINE_H = 290, LX0 = 64, LX1 = 600, LY0 = 24, LY1 = 236 };

static double line_x(const svg_line_chart *c, size_t i) {
    double span = LX1 - LX0;
    return c->ndays > 1 ? LX0 + span * (double)i / (double)(c->ndays - 1)
                        : LX0 + span / 2;
}

static double line_y(double v, double top) {
    return LY1 - (LY1 - LY0) * v / top;
}

void svg_lines(poa_buf *b, const svg_line_chart *c) {
    double vmax = c->target;
    for (size_t s = 0; s < c->nseries; s++) {
        for (size_t i = 0; i < c->ndays; i++) {
            vmax = c->series[s].y[i] > vmax ? c->series[s].y[i] : vmax;
        }
    }
    /* Rates near 100 % (tracking, on-time delivery) keep the full scale. */
    double top = vmax > 0.5 ? 1.0 : svg_nice_max(vmax);
    open_svg(b, c->id, LINE_W, LINE_H, c->title, c->desc);
    poa_buf_printf(b,
                   "<defs><pattern id=\"%s-h\" width=\"6\" height=\"6\" "
                   "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
                   "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" class=\"hatch\"/>"
                   "</pattern></defs>\n",
                   c->id);
    if (c->shade_days > 0 && c->ndays > 0) {
        size_t n = c->shade_days < c->ndays ? c->shade_days : c->ndays;
        double x1 = n < c->ndays ? (line_x(c, n - 1) + line_x(c, n)) / 2 : LX1;
        poa_buf_printf(b,
                       "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                       "fill=\"url(#%s-h)\" class=\"shade\"/>\n",
                       LX0, LY0, x1 - LX0, LY1 - LY0, c->id);
        if (c->shade_label && x1 - LX0 > 90) {
            text(b, LX0 + 4, LY0 + 12, "start", "shadelabel", c->shade_label);
        }
    }
    for (int k = 0; k <= 5; k++) {
        double v = top * k / 5, y = line_y(v, top);
        char lab[32];
        tick_label(v, 1, lab, sizeof lab);
        poa_buf_printf(b,
                       "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
                       "y2=\"%.1f\"/>\n",
                       LX0, y, LX1, y);
        text(b, LX0 - 6, y + 4, "end", "tick", lab);
    }
    /* x ticks on Mondays, every one, two or four weeks */
    size_t weeks = c->ndays / 7 + 1;
    size_t every = weeks <= 10 ? 7 : weeks <= 20 ? 14 : weeks <= 40 ? 28 : 56;
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    size_t first = 0;
    while (first < c->ndays && poa_day_weekday(c->first_day + (int32_t)first) != 0) {
        first++;
    }
    for (size_t i = first; i < c->ndays; i += every) {
        int y, m, d;
        poa_day_to_ymd(c->first_day + (int32_t)i, &y, &m, &d);
        char lab[16];
        snprintf(lab, sizeof lab, "%d %s", d, months[m - 1]);
        double x = line_x(c, i);
        poa_buf_printf(b,
                       "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
                       "y2=\"%d\"/>\n",
                       x, LY1, x, LY1 + 4);
        text(b, x, LY1 + 18, "middle", "tick", lab);
    }
    poa_buf_printf(b,
                   "<line class=\"axisline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n"
                   "<line class=\"axisline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
                   LX0, LY0, LX0, LY1, LX0, LY1, LX1, LY1);
    text(b, (LX0 + LX1) / 2.0, LY1 + 40, "middle", "axis",
         "as-of day (each point: the rate the marketplace would show that day)");
    poa_buf_printf(b,
                   "<text class=\"axis\" transform=\"translate(14 %.1f) rotate(-90)\" "
                   "text-anchor=\"middle\">",
                   (LY0 + LY1) / 2.0);
    poa_buf_put_html(b, c->y_axis);
    poa_buf_puts(b, "</text>\n");
    double ty = line_y(c->target, top);
    poa_buf_printf(
        b, "<line class=\"target\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", LX0,
        ty, LX1, ty);
    /* left, clear of the lines' own labels at the right end */
    text(b, LX0 + 6, ty - 5, "start", "targetlabel", c->target_label);
    for (size_t s = 0; s < c->nseries; s++) {
        const svg_series *sr = &c->series[s];
        poa_buf_printf(b, "<path class=\"series%s\" d=\"", sr->dashed ? " dashed" : "");
        int pen = 0;
        size_t last = c->ndays;
        for (size_t i = 0; i < c->ndays; i++) {
            if (sr->y[i] < 0) {
                pen = 0;
                continue;
            }
            poa_buf_printf(b, "%s%.1f %.1f", pen ? " L" : (i ? " M" : "M"), line_x(c, i),
                           line_y(sr->y[i], top));
            pen = 1;
            last = i;
        }
        poa_buf_puts(b, "\"/>\n");
        int dots = c->ndays <= 120;
        for (size_t i = 0; i < c->ndays; i++) {
            int open = sr->hollow && sr->hollow[i];
            if (sr->y[i] < 0 || (!dots && !open)) {
                continue;
            }
            poa_buf_printf(b,
                           "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\"/>\n",
                           open ? "pt open" : "pt", line_x(c, i), line_y(sr->y[i], top));
        }
        if (last < c->ndays && sr->label) {
            text(b, line_x(c, last) + 6, line_y(sr->y[last], top) + 4 + 12.0 * (double)s,
                 "start", "serieslabel", sr->label);
        }
    }
    poa_buf_puts(b, "</svg>\n");
}
