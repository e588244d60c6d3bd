/* HTML rendering: cmark's safe HTML (raw HTML omitted, javascript: links
 * emptied) wrapped in a self-contained, print-ready page. Nothing is loaded
 * from the network: no fonts, no scripts, no images. */
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "poagen/render.h"

/* A language tag is letters, digits and '-' only; anything else is not
 * worth escaping, it is wrong: fall back to English. */
static const char *safe_lang(const char *lang) {
    if (!lang || !*lang || strlen(lang) > 35) {
        return "en";
    }
    for (const char *p = lang; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-')) {
            return "en";
        }
    }
    return lang;
}

/* Letter-like and print-friendly; the font stacks name local fonts only. */
static const char css_screen[] =
    ":root{color-scheme:light}"
    "body{margin:0;background:#eef0f3;color:#222;"
    "font:11pt/1.5 \"DejaVu Sans\",\"Noto Sans\",\"Helvetica Neue\",Arial,"
    "\"Noto Sans CJK SC\",\"Droid Sans Fallback\",\"Microsoft YaHei\",sans-serif}"
    ".sheet{box-sizing:border-box;max-width:21cm;margin:2rem auto;padding:2cm;"
    "background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.15)}"
    "header.running,footer.running{display:flex;justify-content:space-between;gap:1rem;"
    "font-size:8pt;color:#6b6b6b}"
    "header.running{border-bottom:.4pt solid "
    "#b8b8b8;padding-bottom:.3rem;margin-bottom:1.2rem}"
    "footer.running{border-top:.4pt solid #d0d0d0;padding-top:.3rem;margin-top:2rem}"
    "h1,h2,h3,h4,h5,h6{color:#0d172b;line-height:1.25;margin:1.3em 0 .4em;"
    "page-break-after:avoid;break-after:avoid}"
    "h1{font-size:17pt;margin-top:0}h2{font-size:13.5pt}h3{font-size:12pt}"
    "h4,h5,h6{font-size:11pt}"
    "p{margin:0 0 .7em;orphans:2;widows:2}"
    "ul,ol{margin:0 0 .7em;padding-left:1.6em}li{margin:.15em 0}li>p{margin:0 0 .3em}"
    "blockquote{margin:0 0 .7em;padding-left:1em;border-left:2px solid "
    "#c7ccd6;color:#333}"
    "hr{border:0;border-top:.6pt solid #b3b3b3;margin:1.1em 0}"
    "a{color:#124d94}"
    "code{font-family:\"DejaVu Sans Mono\",Menlo,Consolas,monospace;font-size:.92em;"
    "background:#f0f0f0;padding:0 .15em}"
    "pre{background:#f4f4f4;padding:.5em .7em;overflow-x:auto;line-height:1.45}"
    "pre code{background:none;padding:0}"
    "@media print{body{background:#fff}"
    ".sheet{max-width:none;margin:0;padding:0;box-shadow:none}"
    "a{color:inherit}}";

poa_status poa_render_html(const char *markdown, size_t len, const poa_doc_options *opt,
                           poa_buf *out, poa_error *err) {
    if (!opt || !out || (!markdown && len)) {
        return poa_error_set(err, POA_ERR_ARG, NULL, 0, 0,
                             "poa_render_html: options and output are required");
    }
    cmark_node *root = cmark_parse_document(markdown ? markdown : "", len,
                                            CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8);
    if (!root) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0,
                             "out of memory parsing Markdown");
    }
    /* CMARK_OPT_DEFAULT, never CMARK_OPT_UNSAFE: raw HTML in a template or a
     * seller's text must not reach the page */
    char *body = cmark_render_html(root, CMARK_OPT_DEFAULT);
    cmark_node_free(root);
    if (!body) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0,
                             "out of memory rendering HTML");
    }
    const char *size = opt->paper == POA_PAPER_LETTER ? "letter" : "A4";
    poa_buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n",
                   safe_lang(opt->lang));
    poa_buf_puts(
        out, "<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<meta name=\"generator\" content=\"poagen\">\n");
    if (opt->author) {
        poa_buf_puts(out, "<meta name=\"author\" content=\"");
        poa_buf_put_html(out, opt->author);
        poa_buf_puts(out, "\">\n");
    }
    if (opt->subject) {
        poa_buf_puts(out, "<meta name=\"description\" content=\"");
        poa_buf_put_html(out, opt->subject);
        poa_buf_puts(out, "\">\n");
    }
    poa_buf_puts(out, "<title>");
    poa_buf_put_html(out, opt->title ? opt->title : "Plan of Action");
    poa_buf_puts(out, "</title>\n<style>\n");
    poa_buf_printf(out, "@page{size:%s;margin:2cm}\n", size);
    poa_buf_puts(out, css_screen);
    poa_buf_puts(out, "\n</style>\n</head>\n<body>\n<div class=\"sheet\">\n");
    if ((opt->header_left && *opt->header_left) ||
        (opt->header_right && *opt->header_right)) {
        poa_buf_puts(out, "<header class=\"running\"><span>");
        poa_buf_put_html(out, opt->header_left);
        poa_buf_puts(out, "</span><span>");
        poa_buf_put_html(out, opt->header_right);
        poa_buf_puts(out, "</span></header>\n");
    }
    poa_buf_puts(out, "<main>\n");
    poa_buf_puts(out, body);
    poa_buf_puts(out, "</main>\n");
    if (opt->title || opt->header_left) {
        poa_buf_puts(out, "<footer class=\"running\"><span>");
        poa_buf_put_html(out, opt->header_left);
        poa_buf_puts(out, "</span><span>");
        poa_buf_put_html(out, opt->title);
        poa_buf_puts(out, "</span></footer>\n");
    }
    poa_buf_puts(out, "</div>\n</body>\n</html>\n");
    free(body);
    if (out->failed) {
        return poa_error_set(err, POA_ERR_NOMEM, NULL, 0, 0,
                             "out of memory writing HTML");
    }
    return POA_OK;
}
