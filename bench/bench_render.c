/* Throughput of the PDF renderer: one context, many documents, as in a
 * batch run. Prints documents per second, bytes per PDF and peak RSS.
 *
 * Usage: bench_render [FONT_DIR] [N] [OUT_PREFIX]
 * FONT_DIR defaults to $POAGEN_FONTS; with OUT_PREFIX the last PDF of each
 * kind is written to OUT_PREFIX-english.pdf and OUT_PREFIX-chinese.pdf. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "poagen/render.h"

/* A typical one-page English POA, ~420 words (DejaVu Sans at 11 pt is wide:
 * 450 words run onto a second A4 page). */
static const char english[] =
    "# Plan of Action – Late Shipment Rate\n\n"
    "Dear Seller Performance Team,\n\n"
    "We are writing about the deactivation of our account **Nordlicht Handel GmbH** "
    "(Merchant Token A1B2C3D4E5) for a Late Shipment Rate of 6.8 % over the 30 days "
    "ending 12 March, above the 4 % target. We take this seriously. We have identified "
    "the causes, fixed them, and put measures in place so that it does not happen "
    "again.\n\n"
    "## Root causes\n\n"
    "1. Our warehouse partner changed its carrier cut-off time from 17:00 to 14:00 "
    "without notice, so 41 orders placed in the afternoon missed same-day dispatch and "
    "were confirmed one day late.\n"
    "2. We had set a handling time of one day for all products, including bulky items "
    "that need two days to pack safely.\n"
    "3. Shipment confirmation was entered by hand from the warehouse report, which "
    "arrived the next morning when the warehouse was busy.\n"
    "4. Stock for our best-selling item ran low during a promotion, and orders waited "
    "for a delivery from our supplier.\n\n"
    "## Actions taken\n\n"
    "- We moved to a carrier with an 18:00 collection and automatic shipment "
    "confirmation through the marketplace interface, so every order is confirmed the "
    "moment the label is printed.\n"
    "- We raised the handling time to **two days** for the 37 bulky items and left one "
    "day for the rest.\n"
    "- We reviewed every open order and shipped all of them within 24 hours; all 41 "
    "affected customers were contacted and offered a refund of the shipping costs.\n"
    "\n"
    "## Preventive measures\n\n"
    "- A daily check at 12:00 of orders at risk of late dispatch, by a named person "
    "(our operations manager, Anna Müller), with a deputy for holidays.\n"
    "- A weekly review of the Account Health page and of the Late Shipment Rate for the "
    "last 7 and 30 days, recorded in a log.\n"
    "- Written procedures for the warehouse, signed by its manager, including any change "
    "of cut-off times at least two weeks in advance.\n\n"
    "Since these changes our Late Shipment Rate has been 0.4 % over 21 days and 1,250 "
    "orders. We are confident that these measures will keep it well below the target. "
    "We respectfully ask you to reinstate our selling privileges.\n\n"
    "Kind regards,  \nAnna Müller  \nOperations Manager, Nordlicht Handel GmbH\n";

/* A one-page Chinese POA with a Latin title line. */
static const char chinese[] =
    "# 行动计划：延迟发货率\n\n"
    "尊敬的卖家绩效团队：\n\n"
    "我们是**深圳市星辰贸易有限公司**（卖家编号 A1B2C3D4E5），我们的账户因延迟发货率超过"
    "4% 的目标而被停用。我们非常重视这个问题，已经找出根本原因，并采取了纠正措施。\n\n"
    "## 一、根本原因\n\n"
    "1. 仓库合作伙伴在没有通知的情况下把承运商的截单时间从 17:00 改为 14:00，导致 41 "
    "个订单错过当天发货。\n"
    "2. 我们对所有商品设置了一天的处理时间，包括需要两天的大件商品。\n"
    "3. 发货确认由人工录入，仓库报告第二天早上才到，确认经常晚一天。\n"
    "4. 促销期间畅销商品库存不足，订单需要等待供应商补货。\n\n"
    "## 二、已采取的纠正措施\n\n"
    "- 我们更换了承运商，每天 18:00 取件，并通过接口自动确认发货。\n"
    "- 大件商品的处理时间调整为**两天**，其他商品保持一天。\n"
    "- 所有未发货订单已在 24 小时内发出，并联系了受影响的 41 位买家，退还运费。\n"
    "- 与供应商约定十个畅销商品的最低库存。\n\n"
    "## 三、预防措施\n\n"
    "- 每天 12:00 由专人检查有延迟风险的订单，假期由副手负责。\n"
    "- 每周审查账户状况页面和过去 7 天、30 天的延迟发货率，并记录在案。\n"
    "- 商品库存低于两周预计销量时自动提醒，库存覆盖四周以上才做促销。\n"
    "- 仓库书面操作流程由仓库经理签字，截单时间如有变更须提前两周通知。\n"
    "- 每六个月对团队进行一次平台发货政策培训。\n\n"
    "自上述改进以来，过去 21 天共 1,250 个订单，延迟发货率为 0.4%。"
    "我们相信这些措施能使其持续低于目标，恳请恢复我们的销售权限。\n\n"
    "此致敬礼\n\n深圳市星辰贸易有限公司\n";

static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds per document for a shell command, best of `runs` (peers start a
 * process per document, as they would in a batch). -1 when it fails. */
static double time_command(const char *cmd, int runs) {
    double best = -1;
    for (int i = 0; i < runs; i++) {
        double t0 = now();
        if (system(cmd) != 0) {
            return -1;
        }
        double dt = now() - t0;
        if (best < 0 || dt < best) {
            best = dt;
        }
    }
    return best;
}

static int on_path(const char *prog) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
    return system(cmd) == 0;
}

/* The same English POA through the peers installed here: Chromium's
 * print-to-PDF from our HTML, pandoc with a PDF engine, wkhtmltopdf. */
static void peers(const char *md, double ours_seconds_per_doc) {
    char dir[] = "/tmp/poagen-bench-peers-XXXXXX";
    if (!mkdtemp(dir)) {
        return;
    }
    char md_path[128], html_path[128], cmd[1024];
    snprintf(md_path, sizeof md_path, "%s/poa.md", dir);
    snprintf(html_path, sizeof html_path, "%s/poa.html", dir);
    FILE *f = fopen(md_path, "wb");
    if (f) {
        fputs(md, f);
        fclose(f);
    }
    poa_doc_options opt = {.paper = POA_PAPER_A4,
                           .title = "Plan of Action",
                           .lang = "en",
                           .creation_epoch = -1};
    poa_buf html = POA_BUF_INIT;
    poa_error err;
    if (poa_render_html(md, strlen(md), &opt, &html, &err) == POA_OK) {
        f = fopen(html_path, "wb");
        if (f) {
            fwrite(html.data, 1, html.len, f);
            fclose(f);
        }
    }
    poa_buf_free(&html);
    struct {
        const char *name, *prog, *fmt;
    } peer[] = {
        {"chromium print-to-pdf", "chromium",
         "chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
         "--disable-background-networking --disable-component-update --disable-sync "
         "--user-data-dir=%s/profile --no-pdf-header-footer "
         "--print-to-pdf=%s/chromium.pdf "
         "file://%s >/dev/null 2>&1"},
        {"pandoc", "pandoc", "pandoc %s/poa.md -o %s/pandoc.pdf %s >/dev/null 2>&1"},
        {"wkhtmltopdf", "wkhtmltopdf",
         "wkhtmltopdf -q %s/poa.html %s/wk.pdf %s >/dev/null 2>&1"},
    };
    double fastest = -1;
    for (size_t i = 0; i < sizeof peer / sizeof peer[0]; i++) {
        if (!on_path(peer[i].prog)) {
            printf("peer %-22s not installed\n", peer[i].name);
            continue;
        }
        if (i == 0) {
            snprintf(cmd, sizeof cmd, peer[i].fmt, dir, dir, html_path);
        } else {
            snprintf(cmd, sizeof cmd, peer[i].fmt, dir, dir, "");
        }
        double t = time_command(cmd, 3);
        if (t < 0) {
            printf("peer %-22s failed\n", peer[i].name);
            continue;
        }
        printf("peer %-22s %8.1f ms/doc  poagen is %.0fx faster\n", peer[i].name,
               t * 1000.0, t / ours_seconds_per_doc);
        if (fastest < 0 || t < fastest) {
            fastest = t;
        }
    }
    if (fastest > 0) {
        printf("against the fastest peer: %.0fx (target: at least 50x)\n",
               fastest / ours_seconds_per_doc);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "bench_render: could not remove %s\n", dir);
    }
}

static double last_seconds_per_doc;

static int run(poa_pdf_context *ctx, const char *name, const char *md, const char *lang,
               int n, const char *prefix) {
    poa_doc_options opt = {POA_PAPER_A4,
                           "Plan of Action",
                           "Seller",
                           "Reinstatement",
                           "Nordlicht Handel GmbH",
                           "Amazon.de",
                           lang,
                           -1};
    poa_buf out = POA_BUF_INIT;
    poa_error err;
    size_t bytes = 0;
    unsigned pages = 0;
    double t0 = now(), c0 = cpu_seconds();
    for (int i = 0; i < n; i++) {
        poa_buf_reset(&out);
        if (poa_render_pdf(ctx, md, strlen(md), &opt, &out, &pages, NULL, &err) !=
            POA_OK) {
            fprintf(stderr, "bench_render: %s\n", err.message);
            poa_buf_free(&out);
            return 1;
        }
        bytes = out.len;
    }
    double dt = now() - t0, cpu = cpu_seconds() - c0;
    last_seconds_per_doc = dt / n;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    /* CPU time as well as wall time: on a shared machine the wall clock
     * includes time spent waiting for a core */
    printf("%-8s %5d docs  %7.1f docs/s wall  %7.1f docs/s CPU  %6.2f ms CPU/doc  %6zu "
           "bytes/PDF  %u page(s)  peak RSS %ld KB\n",
           name, n, n / dt, n / cpu, cpu * 1000.0 / n, bytes, pages, ru.ru_maxrss);
    if (prefix) {
        char path[1024];
        snprintf(path, sizeof path, "%s-%s.pdf", prefix, name);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(out.data, 1, out.len, f) != out.len || fclose(f) != 0) {
            fprintf(stderr, "bench_render: cannot write %s\n", path);
        }
    }
    poa_buf_free(&out);
    return 0;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : getenv("POAGEN_FONTS");
    if (!dir) {
        fprintf(stderr, "usage: bench_render FONT_DIR [N]  (e.g. build/fonts)\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 1000;
    poa_pdf_context *ctx;
    poa_error err;
    double t0 = now();
    if (poa_pdf_context_new(&ctx, dir, &err) != POA_OK) {
        fprintf(stderr, "bench_render: %s\n", err.message);
        return 1;
    }
    printf("context (fonts read once per run): %.1f ms\n", (now() - t0) * 1000.0);
    const char *prefix = argc > 3 ? argv[3] : NULL;
    int rc = run(ctx, "english", english, "en", n, prefix);
    double english_per_doc = last_seconds_per_doc;
    rc = rc || run(ctx, "chinese", chinese, "zh", n, prefix);
    if (!rc && !getenv("POAGEN_BENCH_NO_PEERS")) {
        peers(english, english_per_doc);
    }
    poa_pdf_context_free(ctx);
    return rc;
}
