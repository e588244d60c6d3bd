/* gen_case — deterministic generator of a seller's exported reports.
 *
 *   gen_case --out DIR [--orders N] [--end YYYY-MM-DD] [--days D] [--seed S]
 *
 * Writes DIR/orders.txt (the All Orders flat file, 32 columns, plus poagen's
 * extra columns) and DIR/feedback.txt (the feedback report, UK dates, plus
 * `Removed`), then prints a summary of the figures poagen should compute.
 *
 * The story: a seller-fulfilled UK homeware shop on Amazon.co.uk with a
 * handling time of one business day on most SKUs (two on two bulky garden
 * SKUs). It does not dispatch at weekends and confirms shipments in a batch
 * on the next working morning, so orders placed on Thursday afternoon and on
 * Friday are often confirmed after their latest ship date, and busy Mondays
 * spill over. Some late orders were scanned by the carrier on time although
 * the confirmation came late.
 *
 * Same arguments, same bytes: one splitmix64 stream seeded by --seed, no
 * clock, no rand(). Output is streamed through a buffered FILE; the only
 * allocations are made once, up front (one day's purchase times and the
 * feedback candidates). Files are written to DIR/NAME.tmp and renamed. */
#include "poagen/date.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- random numbers ---------------------------------------------------- */

typedef struct {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r) {
    uint64_t z = (r->s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rng_below(rng *r, uint32_t n) {
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static double rng_unit(rng *r) {
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static int rng_chance(rng *r, double p) {
    return rng_unit(r) < p;
}

/* Uniform in [lo, hi]. */
static int rng_range(rng *r, int lo, int hi) {
    return lo + (int)rng_below(r, (uint32_t)(hi - lo + 1));
}

static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* ---- catalogue ------------------------------------------------------------ */

typedef struct {
    const char *sku;
    const char *asin;
    const char *name;
    const char *line;
    int pence;    /* unit price, VAT included */
    int handling; /* business days */
    int bulky;
    int weight; /* relative popularity */
    int multi;  /* often bought several at a time */
} product;

static const product PRODUCTS[] = {
    {"BSH-MUG-FJB", "B0C7K2M9QX", "Brøndum Stoneware Mug – Fjord Blue", "Kitchen", 1495,
     1, 0, 22, 1},
    {"BSH-COL-24", "B0B9TQ4R7N", "\"Nordic\" Enamel Colander 24cm", "Kitchen", 2250, 1, 0,
     9, 0},
    {"BSH-BWL-SET4", "B0CX3H8LPA", "Brøndum Stoneware Bowl Set of 4 – Sand", "Kitchen",
     3400, 1, 0, 10, 0},
    {"BSH-BRD-OAK", "B0D1FW6ZJ3", "Oak Serving Board, Smørrebrød Size 40cm", "Kitchen",
     2795, 1, 0, 8, 0},
    {"BSH-TT-AERO", "B0BN5V2YD8", "Linen Tea Towel, Ærø Stripe", "Textiles", 995, 1, 0,
     18, 1},
    {"BSH-THR-HYG", "B0C2RJ7KE4", "Wool Throw – Hygge Grey 130×170cm", "Textiles", 5900,
     1, 0, 9, 0},
    {"BSH-CUS-45", "B0CQ8M1TGW", "Bouclé Cushion Cover 45×45cm, Oat", "Textiles", 1950, 1,
     0, 11, 1},
    {"BSH-PLT-TER", "B0D4L9XB2S", "Terracotta Planter Trio – Café Olive", "Garden", 2999,
     1, 0, 7, 0},
    {"BSH-BNCH-ACA", "B0B6PZ3QH1", "Acacia Garden Bench 2-Seater (Flat-Packed)", "Garden",
     18900, 2, 1, 3, 0},
    {"BSH-FIRE-60", "B0CF2N8WRY", "Cast Iron Fire Pit Bowl Ø60cm", "Garden", 12900, 2, 1,
     3, 0},
};
#define NPRODUCTS ((int)(sizeof PRODUCTS / sizeof PRODUCTS[0]))

typedef struct {
    const char *city;
    const char *county; /* the report's ship-state: often left empty by UK buyers */
    const char *outward[3];
} place;

static const place PLACES[] = {
    {"London", "Greater London", {"SE15", "N16", "SW11"}},
    {"London", "", {"E17", "NW5", "W4"}},
    {"Manchester", "Greater Manchester", {"M20", "M14", "M21"}},
    {"Birmingham", "West Midlands", {"B13", "B30", "B17"}},
    {"Leeds", "West Yorkshire", {"LS6", "LS8", "LS17"}},
    {"Bristol", "", {"BS6", "BS7", "BS3"}},
    {"Sheffield", "South Yorkshire", {"S7", "S11", "S10"}},
    {"Liverpool", "Merseyside", {"L18", "L17", "L25"}},
    {"Newcastle upon Tyne", "Tyne and Wear", {"NE2", "NE3", "NE6"}},
    {"Nottingham", "Nottinghamshire", {"NG5", "NG7", "NG2"}},
    {"Leicester", "", {"LE2", "LE3", "LE4"}},
    {"Cambridge", "Cambridgeshire", {"CB1", "CB4", "CB2"}},
    {"Oxford", "Oxfordshire", {"OX4", "OX2", "OX3"}},
    {"Brighton", "East Sussex", {"BN1", "BN2", "BN3"}},
    {"Norwich", "Norfolk", {"NR2", "NR3", "NR4"}},
    {"York", "North Yorkshire", {"YO10", "YO24", "YO31"}},
    {"Exeter", "Devon", {"EX4", "EX2", "EX1"}},
    {"Bath", "Somerset", {"BA1", "BA2", "BA1"}},
    {"Cheltenham", "Gloucestershire", {"GL50", "GL51", "GL52"}},
    {"Harrogate", "North Yorkshire", {"HG1", "HG2", "HG1"}},
    {"St Albans", "Hertfordshire", {"AL1", "AL3", "AL4"}},
    {"Guildford", "Surrey", {"GU1", "GU2", "GU4"}},
    {"Reading", "Berkshire", {"RG1", "RG4", "RG30"}},
    {"Milton Keynes", "Buckinghamshire", {"MK9", "MK5", "MK14"}},
    {"Southampton", "Hampshire", {"SO15", "SO17", "SO16"}},
    {"Canterbury", "Kent", {"CT1", "CT2", "CT2"}},
    {"Ipswich", "Suffolk", {"IP1", "IP4", "IP2"}},
    {"Chester", "Cheshire", {"CH2", "CH3", "CH4"}},
    {"Lancaster", "Lancashire", {"LA1", "LA2", "LA1"}},
    {"Kendal", "Cumbria", {"LA9", "LA9", "LA8"}},
    {"Durham", "County Durham", {"DH1", "DH1", "DH7"}},
    {"Lincoln", "Lincolnshire", {"LN1", "LN2", "LN6"}},
    {"Cardiff", "South Glamorgan", {"CF11", "CF14", "CF23"}},
    {"Swansea", "", {"SA1", "SA2", "SA3"}},
    {"Edinburgh", "Midlothian", {"EH10", "EH6", "EH9"}},
    {"Glasgow", "", {"G12", "G41", "G3"}},
    {"Aberdeen", "Aberdeenshire", {"AB10", "AB15", "AB24"}},
    {"Inverness", "Highland", {"IV2", "IV3", "IV1"}},
    {"Belfast", "County Antrim", {"BT9", "BT7", "BT4"}},
    {"Truro", "Cornwall", {"TR1", "TR1", "TR4"}},
};
#define NPLACES ((int)(sizeof PLACES / sizeof PLACES[0]))

/* ---- calendar ------------------------------------------------------------- */

/* England and Wales bank holidays, 2024–2027 (the years the sample can
 * reasonably cover). None falls in the default window. */
static const int HOLIDAYS[][3] = {
    {2024, 1, 1},   {2024, 3, 29},  {2024, 4, 1},   {2024, 5, 6},   {2024, 5, 27},
    {2024, 8, 26},  {2024, 12, 25}, {2024, 12, 26}, {2025, 1, 1},   {2025, 4, 18},
    {2025, 4, 21},  {2025, 5, 5},   {2025, 5, 26},  {2025, 8, 25},  {2025, 12, 25},
    {2025, 12, 26}, {2026, 1, 1},   {2026, 4, 3},   {2026, 4, 6},   {2026, 5, 4},
    {2026, 5, 25},  {2026, 8, 31},  {2026, 12, 25}, {2026, 12, 28}, {2027, 1, 1},
    {2027, 3, 26},  {2027, 3, 29},  {2027, 5, 3},   {2027, 5, 31},  {2027, 8, 30},
    {2027, 12, 27}, {2027, 12, 28},
};

static int is_business_day(int day) {
    if (poa_day_weekday(day) >= 5)
        return 0;
    int y, m, d;
    poa_day_to_ymd(day, &y, &m, &d);
    for (size_t i = 0; i < sizeof HOLIDAYS / sizeof HOLIDAYS[0]; i++)
        if (HOLIDAYS[i][0] == y && HOLIDAYS[i][1] == m && HOLIDAYS[i][2] == d)
            return 0;
    return 1;
}

static int next_business_day(int day) {
    do
        day++;
    while (!is_business_day(day));
    return day;
}

static int add_business_days(int day, int n) {
    while (n-- > 0)
        day = next_business_day(day);
    return day;
}

/* Carriers deliver and scan on Saturdays, not on Sundays. */
static int skip_sunday(int day) {
    return poa_day_weekday(day) == 6 ? day + 1 : day;
}

static int last_sunday(int y, int m) {
    int day = poa_day_from_ymd(y, m, 31);
    return day - (poa_day_weekday(day) + 1) % 7;
}

/* UK time: +01:00 from the last Sunday of March to the day before the last
 * Sunday of October, +00:00 otherwise (switching by day, not by hour). */
static int summer_time(int day) {
    int y, m, d;
    poa_day_to_ymd(day, &y, &m, &d);
    return day >= last_sunday(y, 3) && day < last_sunday(y, 10);
}

/* ---- row building --------------------------------------------------------- */

typedef struct {
    char *p;
} out;

static void put_s(out *o, const char *s) {
    size_t n = strlen(s);
    memcpy(o->p, s, n);
    o->p += n;
}

static void put_c(out *o, char c) {
    *o->p++ = c;
}

static void put_digits(out *o, unsigned v, int width) {
    for (int i = width - 1; i >= 0; i--) {
        o->p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    o->p += width;
}

static void put_uint(out *o, unsigned v) {
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put_c(o, tmp[--n]);
}

static void put_money(out *o, int pence) {
    if (pence < 0) {
        put_c(o, '-');
        pence = -pence;
    }
    put_uint(o, (unsigned)(pence / 100));
    put_c(o, '.');
    put_digits(o, (unsigned)(pence % 100), 2);
}

/* "2026-10-03T14:22:10+01:00" */
static void put_ts(out *o, int day, int sec) {
    int y, m, d;
    poa_day_to_ymd(day, &y, &m, &d);
    put_digits(o, (unsigned)y, 4);
    put_c(o, '-');
    put_digits(o, (unsigned)m, 2);
    put_c(o, '-');
    put_digits(o, (unsigned)d, 2);
    put_c(o, 'T');
    put_digits(o, (unsigned)(sec / 3600), 2);
    put_c(o, ':');
    put_digits(o, (unsigned)(sec / 60 % 60), 2);
    put_c(o, ':');
    put_digits(o, (unsigned)(sec % 60), 2);
    put_s(o, summer_time(day) ? "+01:00" : "+00:00");
}

static void put_ts_opt(out *o, int day, int sec) {
    if (day != POA_NO_DAY)
        put_ts(o, day, sec);
}

/* "3/10/26": the UK feedback report's D/M/YY. */
static void put_uk_date(out *o, int day) {
    int y, m, d;
    poa_day_to_ymd(day, &y, &m, &d);
    put_uint(o, (unsigned)d);
    put_c(o, '/');
    put_uint(o, (unsigned)m);
    put_c(o, '/');
    put_digits(o, (unsigned)(y % 100), 2);
}

/* ---- orders ---------------------------------------------------------------- */

enum { ST_SHIPPED, ST_UNSHIPPED, ST_PENDING, ST_CANCELLED };
enum { CAN_SELLER, CAN_BUYER, CAN_NONE };
enum { CAR_ROYAL_MAIL, CAR_DPD, CAR_EVRI };
static const char *const CARRIERS[] = {"Royal Mail", "DPD", "Evri"};

typedef struct {
    long idx;
    char id[20];
    int afn;
    int status;
    int pday, psec;
    int lu_day, lu_sec; /* last-updated-date */
    const char *level;
    int nitems;
    int item[3];
    int qty[3];
    int place;
    char postcode[10];
    int business;
    char po[12];
    int promo;
    /* seller-fulfilled only */
    int handling;
    int lsd;
    int conf_day, conf_sec;
    int scan_day, scan_sec;
    int scan_on_time; /* late confirmation, parcel scanned by its latest ship date */
    int carrier;
    char tracking[20];
    int promised;
    int deliv_day, deliv_sec;
    int cancel;
    int late; /* confirmed after the latest ship date */
} order;

/* Order ids 202-NNNNNNN-NNNNNNN: a 4-round Feistel network on the two
 * 7-digit halves of the order's index is a bijection, so ids are unique. */
static void make_order_id(char out_id[20], long idx, uint64_t key) {
    uint32_t l = (uint32_t)(idx / 10000000L), r = (uint32_t)(idx % 10000000L);
    for (uint32_t round = 0; round < 4; round++) {
        uint32_t f = (uint32_t)(mix64(key ^ ((uint64_t)round << 32) ^ r) % 10000000u);
        uint32_t t = (l + f) % 10000000u;
        l = r;
        r = t;
    }
    out o = {out_id};
    put_s(&o, "202-");
    put_digits(&o, l, 7);
    put_c(&o, '-');
    put_digits(&o, r, 7);
    *o.p = '\0';
}

static void make_tracking(rng *r, int carrier, char t[20]) {
    static const char LETTERS[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    static const char ALNUM[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    int n = 0;
    switch (carrier) {
    case CAR_ROYAL_MAIL: /* AB123456789GB */
        t[n++] = LETTERS[rng_below(r, 24)];
        t[n++] = LETTERS[rng_below(r, 24)];
        for (int i = 0; i < 9; i++)
            t[n++] = (char)('0' + rng_below(r, 10));
        t[n++] = 'G';
        t[n++] = 'B';
        break;
    case CAR_DPD: /* 14 digits */
        t[n++] = '1';
        t[n++] = '5';
        t[n++] = '5';
        for (int i = 0; i < 11; i++)
            t[n++] = (char)('0' + rng_below(r, 10));
        break;
    default: /* Evri: 16 characters starting with H */
        t[n++] = 'H';
        for (int i = 0; i < 15; i++)
            t[n++] = ALNUM[rng_below(r, 34)];
        break;
    }
    t[n] = '\0';
}

static int pick_product(rng *r) {
    static int total = 0;
    if (!total)
        for (int i = 0; i < NPRODUCTS; i++)
            total += PRODUCTS[i].weight;
    int x = (int)rng_below(r, (uint32_t)total);
    for (int i = 0; i < NPRODUCTS; i++) {
        if (x < PRODUCTS[i].weight)
            return i;
        x -= PRODUCTS[i].weight;
    }
    return 0;
}

/* Seconds into the day: evenings and lunchtime are busy; no purchases
 * between midnight and 01:00, so every time reads as the same calendar day
 * whether a reader keeps the offset or converts to UTC. */
static int pick_purchase_second(rng *r) {
    static const int HOUR_WEIGHT[24] = {0,  2,  1,  1,  1,  2,  4,  7,  10, 11, 12, 13,
                                        14, 13, 11, 10, 11, 12, 14, 17, 19, 18, 13, 7};
    int total = 0;
    for (int h = 0; h < 24; h++)
        total += HOUR_WEIGHT[h];
    int x = (int)rng_below(r, (uint32_t)total), h = 0;
    while (x >= HOUR_WEIGHT[h])
        x -= HOUR_WEIGHT[h++];
    return h * 3600 + (int)rng_below(r, 3600);
}

typedef struct {
    int end;
    int days;
    long norders;
    uint64_t seed;
    rng r;  /* orders */
    rng fr; /* feedback: its own stream, so feedback never shifts the orders */
    long cancelled_seen;
    long other_feedback_seen;
    int used_pending;
    long texts_seen[4];
} gen;

/* Chance that a seller-fulfilled order is confirmed after its latest ship
 * date: Thursday afternoon and Friday orders meet the Friday backlog and the
 * weekend; weekend and Monday orders meet the Monday rush. */
static double late_chance(const order *o) {
    if (o->handling >= 2)
        return 0.03;
    if (!is_business_day(o->pday))
        return 0.07;
    int afternoon = o->psec >= 14 * 3600;
    switch (poa_day_weekday(o->pday)) {
    case 0:
        return afternoon ? 0.06 : 0.03;
    case 3:
        return afternoon ? 0.38 : 0.04;
    case 4:
        return afternoon ? 0.33 : 0.22;
    default:
        return 0.02;
    }
}

/* Carry whole days into the day and keep clear of 00:00–00:59, so that a
 * time reads as the same calendar day with or without its offset. */
static void normalize(int *day, int *sec) {
    *day += *sec / 86400;
    *sec %= 86400;
    if (*sec < 3600)
        *sec += 3600;
}

static void clamp_to_end(const gen *g, int *day, int *sec) {
    normalize(day, sec);
    if (*day > g->end || (*day == g->end && *sec > 23 * 3600 + 30 * 60)) {
        *day = g->end;
        *sec = 23 * 3600 + 30 * 60;
    }
}

static void make_shipment(gen *g, order *o) {
    rng *r = &g->r;
    int x; /* the day the parcel left */
    o->late = rng_chance(r, late_chance(o));
    o->scan_day = POA_NO_DAY;
    if (o->late) {
        o->scan_on_time = rng_chance(r, 0.2);
        if (o->scan_on_time) {
            x = o->lsd;
            o->scan_day = x;
            o->scan_sec = rng_range(r, 17 * 3600, 21 * 3600 - 1);
            o->conf_day = next_business_day(o->lsd);
            o->conf_sec = rng_range(r, 8 * 3600 + 30 * 60, 11 * 3600 - 1);
        } else {
            o->conf_day = next_business_day(o->lsd);
            if (rng_chance(r, 0.1))
                o->conf_day = next_business_day(o->conf_day);
            o->conf_sec = rng_range(r, 8 * 3600 + 30 * 60, 17 * 3600 - 1);
            x = o->conf_day;
        }
    } else {
        if (is_business_day(o->pday) && o->psec < 13 * 3600 && rng_chance(r, 0.55)) {
            o->conf_day = o->pday;
            int from = o->psec + 3600 > 15 * 3600 ? o->psec + 3600 : 15 * 3600;
            o->conf_sec = rng_range(r, from, 17 * 3600 + 30 * 60);
        } else {
            o->conf_day = o->handling >= 2 && rng_chance(r, 0.7)
                              ? next_business_day(o->pday)
                              : o->lsd;
            o->conf_sec = rng_range(r, 8 * 3600 + 30 * 60, 11 * 3600 - 1);
        }
        x = o->conf_day;
    }
    if (o->scan_day == POA_NO_DAY && rng_chance(r, 0.72)) {
        if (rng_chance(r, 0.85)) {
            o->scan_day = x;
            o->scan_sec = rng_range(r, 17 * 3600, 21 * 3600 - 1);
        } else {
            o->scan_day = skip_sunday(x + 1);
            o->scan_sec = rng_range(r, 6 * 3600, 11 * 3600 - 1);
        }
    }

    int bulky = 0;
    for (int i = 0; i < o->nitems; i++)
        bulky |= PRODUCTS[o->item[i]].bulky;
    double u = rng_unit(r);
    o->carrier = bulky || u < 0.15 ? CAR_DPD : u < 0.40 ? CAR_EVRI : CAR_ROYAL_MAIL;
    if (rng_chance(r, 0.02))
        o->tracking[0] = '\0';
    else
        make_tracking(r, o->carrier, o->tracking);

    /* Days from the first scan (or dispatch) to the door. */
    double t = rng_unit(r);
    int transit = t < 0.62 ? 1 : t < 0.93 ? 2 : 3;
    if (o->carrier == CAR_EVRI && rng_unit(r) < 0.15)
        transit++;
    int dispatched = o->scan_day != POA_NO_DAY ? o->scan_day : x;
    o->deliv_day = skip_sunday(dispatched + transit);
    o->deliv_sec = rng_range(r, 9 * 3600, 20 * 3600 - 1);
    if (rng_chance(r, 0.03))
        o->deliv_day = POA_NO_DAY;

    /* What the export, taken at the end of the last day, can know. */
    if (o->conf_day > g->end) {
        o->status = ST_UNSHIPPED;
        o->conf_day = o->scan_day = o->deliv_day = POA_NO_DAY;
        o->tracking[0] = '\0';
        o->lu_day = o->pday;
        o->lu_sec = o->psec + rng_range(r, 60, 1800);
        normalize(&o->lu_day, &o->lu_sec);
        return;
    }
    if (o->scan_day != POA_NO_DAY && o->scan_day > g->end)
        o->scan_day = POA_NO_DAY;
    if (o->deliv_day != POA_NO_DAY && o->deliv_day > g->end)
        o->deliv_day = POA_NO_DAY;
    o->lu_day = o->conf_day;
    o->lu_sec = o->conf_sec + rng_range(r, 5, 600);
}

static void make_order(gen *g, long idx, int pday, int psec, order *o) {
    rng *r = &g->r;
    memset(o, 0, sizeof *o);
    o->idx = idx;
    make_order_id(o->id, idx, g->seed);
    o->pday = pday;
    o->psec = psec;
    o->afn = rng_chance(r, 0.30);

    double u = rng_unit(r);
    o->nitems = u < 0.09 ? 2 : u < 0.12 ? 3 : 1;
    for (int i = 0; i < o->nitems; i++) {
        int p, again;
        do {
            p = pick_product(r);
            again = 0;
            for (int j = 0; j < i; j++)
                again |= o->item[j] == p;
        } while (again);
        o->item[i] = p;
        if (PRODUCTS[p].bulky)
            o->qty[i] = 1;
        else if (PRODUCTS[p].multi && rng_chance(r, 0.35))
            o->qty[i] = rng_range(r, 2, 4);
        else
            o->qty[i] = rng_chance(r, 0.06) ? 2 : 1;
    }

    o->place = (int)rng_below(r, NPLACES);
    {
        static const char INWARD[] = "ABDEFGHJLNPQRSTUWXYZ";
        out w = {o->postcode};
        put_s(&w, PLACES[o->place].outward[rng_below(r, 3)]);
        put_c(&w, ' ');
        put_c(&w, (char)('0' + rng_below(r, 10)));
        put_c(&w, INWARD[rng_below(r, 20)]);
        put_c(&w, INWARD[rng_below(r, 20)]);
        *w.p = '\0';
    }
    o->business = rng_chance(r, 0.03);
    if (o->business && rng_chance(r, 0.5))
        snprintf(o->po, sizeof o->po, "PO-%05u", (unsigned)rng_below(r, 100000));
    o->promo = rng_chance(r, 0.07);

    if (o->afn) {
        o->level = rng_chance(r, 0.8) ? "Standard" : "Expedited";
        o->scan_day = o->conf_day = o->deliv_day = o->lsd = o->promised = POA_NO_DAY;
        if (pday == g->end && psec >= 12 * 3600) {
            o->status = ST_PENDING;
            o->lu_day = pday;
            o->lu_sec = psec + rng_range(r, 30, 900);
        } else {
            o->status = ST_SHIPPED;
            o->lu_day = pday;
            o->lu_sec = psec + rng_range(r, 4 * 3600, 30 * 3600);
        }
        clamp_to_end(g, &o->lu_day, &o->lu_sec);
        return;
    }

    o->level = rng_chance(r, 0.92) ? "Standard" : "Expedited";
    o->handling = 1;
    for (int i = 0; i < o->nitems; i++)
        if (PRODUCTS[o->item[i]].handling > o->handling)
            o->handling = PRODUCTS[o->item[i]].handling;
    o->lsd = add_business_days(pday, o->handling);
    o->promised = skip_sunday(o->lsd + (o->level[0] == 'E'   ? 2
                                        : rng_chance(r, 0.5) ? 2
                                                             : 3));

    if (rng_chance(r, 0.018)) {
        o->status = ST_CANCELLED;
        long k = g->cancelled_seen++ % 12;
        o->cancel = k == 2 || k == 7 ? CAN_BUYER : k == 4 ? CAN_NONE : CAN_SELLER;
        o->conf_day = o->scan_day = o->deliv_day = POA_NO_DAY;
        int t = psec + rng_range(r, 2 * 3600, 20 * 3600);
        o->lu_day = pday;
        o->lu_sec = t;
        clamp_to_end(g, &o->lu_day, &o->lu_sec);
        return;
    }
    o->status = ST_SHIPPED;
    make_shipment(g, o);
}

static const char *const STATUS_NAMES[] = {"Shipped", "Unshipped", "Pending",
                                           "Cancelled"};

/* One item row, without the line end. */
static void put_row(out *w, const order *o, int i) {
    const product *p = &PRODUCTS[o->item[i]];
    const place *pl = &PLACES[o->place];
    int cancelled = o->status == ST_CANCELLED;
    int goods = p->pence * o->qty[i];
    int order_goods = 0;
    for (int j = 0; j < o->nitems; j++)
        order_goods += PRODUCTS[o->item[j]].pence * o->qty[j];
    int ship = !o->afn && i == 0 && order_goods < 2000 ? 299 : 0;
    int discount = o->promo ? -(goods / 10) : 0;

    put_s(w, o->id);
    put_c(w, '\t'); /* merchant-order-id */
    put_c(w, '\t');
    put_ts(w, o->pday, o->psec);
    put_c(w, '\t');
    put_ts(w, o->lu_day, o->lu_sec);
    put_c(w, '\t');
    put_s(w, STATUS_NAMES[o->status]);
    put_c(w, '\t');
    put_s(w, o->afn ? "Amazon" : "Merchant");
    put_s(w, "\tAmazon.co.uk\t\t"); /* sales-channel, order-channel */
    put_s(w, o->level);
    put_c(w, '\t');
    put_s(w, p->name);
    put_c(w, '\t');
    put_s(w, p->sku);
    put_c(w, '\t');
    put_s(w, p->asin);
    put_c(w, '\t');
    put_s(w, cancelled ? "Cancelled" : o->status == ST_SHIPPED ? "Shipped" : "Unshipped");
    put_c(w, '\t');
    put_uint(w, cancelled ? 0u : (unsigned)o->qty[i]);
    put_s(w, "\tGBP\t");
    if (cancelled) {
        put_s(w, "\t\t\t\t\t\t\t"); /* item-price … ship-promotion-discount */
    } else {
        put_money(w, goods);
        put_c(w, '\t');
        put_money(w, (goods + 3) / 6);
        put_c(w, '\t');
        put_money(w, ship);
        put_c(w, '\t');
        put_money(w, (ship + 3) / 6);
        put_s(w, "\t\t\t"); /* no gift wrap offered */
        if (discount) {
            put_money(w, discount);
            put_s(w, "\t0.00");
        } else {
            put_c(w, '\t');
        }
    }
    put_c(w, '\t');
    put_s(w, pl->city);
    put_c(w, '\t');
    put_s(w, pl->county);
    put_c(w, '\t');
    put_s(w, o->postcode);
    put_s(w, "\tGB\t");
    if (o->promo)
        put_s(w, "BSH Autumn 10% Off A2F7QK3R9XW1ME");
    put_s(w, "\t\t"); /* cpf */
    put_s(w, o->business ? "true" : "false");
    put_c(w, '\t');
    put_s(w, o->po);
    put_c(w, '\t');
    if (o->business)
        put_s(w, "BusinessPrice");
    /* poagen's extra columns */
    put_c(w, '\t');
    if (!o->afn)
        put_ts(w, o->lsd, 23 * 3600 + 59 * 60 + 59);
    put_c(w, '\t');
    if (!o->afn)
        put_ts_opt(w, o->conf_day, o->conf_sec);
    put_c(w, '\t');
    if (!o->afn)
        put_ts_opt(w, o->scan_day, o->scan_sec);
    put_c(w, '\t');
    if (!o->afn && o->conf_day != POA_NO_DAY)
        put_s(w, CARRIERS[o->carrier]);
    put_c(w, '\t');
    if (!o->afn && o->conf_day != POA_NO_DAY)
        put_s(w, o->tracking);
    put_c(w, '\t');
    if (!o->afn)
        put_ts(w, o->promised, 23 * 3600 + 59 * 60 + 59);
    put_c(w, '\t');
    if (!o->afn)
        put_ts_opt(w, o->deliv_day, o->deliv_sec);
    put_c(w, '\t');
    if (cancelled && o->cancel != CAN_NONE)
        put_s(w, o->cancel == CAN_BUYER ? "buyer" : "seller");
    put_c(w, '\t');
    if (cancelled && o->cancel != CAN_NONE)
        put_s(w, o->cancel == CAN_BUYER ? "BuyerCanceled" : "NoInventory");
    put_c(w, '\t');
    put_s(w, p->line);
}

/* ---- feedback -------------------------------------------------------------- */

enum { FB_LATE, FB_WAITING, FB_DAMAGED, FB_USED };

typedef struct {
    int day;
    long idx;
    char id[20];
    unsigned char kind, rating, text;
} feedback;

static const char *const FB_TEXT_LATE[] = {
    "Arrived two days late.",
    "Arrived late, after the date promised at checkout.",
    "Took nearly a week to arrive. Seller dispatched late.",
    "Nice quality but it came 3 days after the delivery date.",
    "Ordered on Thursday, not dispatched until Monday. Late.",
    "Delivery was late and no update from the seller.",
    "Needed it for the weekend, arrived the following Tuesday.",
    "Late. Tracking said it was only posted days after I ordered.",
    "Arrived a day later than promised.",
};
static const char *const FB_TEXT_WAITING[] = {
    "Still waiting, seller dispatched late.",
    "Still not arrived and already past the delivery date.",
    "Not received yet. Tracking shows it only left on Monday.",
};
static const char *const FB_TEXT_DAMAGED[] = {
    "Arrived damaged – box crushed and the item cracked.",
    "Item arrived chipped, packaging far too thin.",
    "Dented on arrival, had to send it back.",
};
static const char *const FB_TEXT_USED =
    "Looked used – no tags, marks on it and the packaging already opened.";
#define NTEXT(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

static const char *const FB_RESPONSE_LATE[] = {
    "We are sorry your order left us late. We have changed our dispatch routine so every "
    "parcel is confirmed the day it is handed to the carrier.",
    "Apologies for the delay. We now dispatch on Fridays and Mondays with extra staff so "
    "orders leave within our handling time.",
};
static const char *const FB_RESPONSE_OTHER =
    "Sorry it did not arrive in perfect condition. We sent a replacement the same day "
    "and "
    "have improved our packaging.";

typedef struct {
    feedback *v;
    long n, cap;
} feedback_list;

static int has_sku(const order *o, const char *prefix) {
    for (int i = 0; i < o->nitems; i++)
        if (!strncmp(PRODUCTS[o->item[i]].sku, prefix, strlen(prefix)))
            return 1;
    return 0;
}

/* Whether comment `text` of `kind` fits the order (texts 1 of FB_LATE and
 * 0 of the others always fit). */
static int text_fits(const order *o, int kind, int text) {
    int overdue_by = o->deliv_day != POA_NO_DAY ? o->deliv_day - o->promised : 0;
    switch (kind) {
    case FB_LATE:
        switch (text) {
        case 0:
            return overdue_by == 2;
        case 2:
            return o->deliv_day - o->pday >= 6;
        case 3:
            return overdue_by == 3;
        case 4:
            return poa_day_weekday(o->pday) == 3 && poa_day_weekday(o->conf_day) == 0;
        case 6:
            return poa_day_weekday(o->deliv_day) == 1 && poa_day_weekday(o->pday) >= 3;
        case 7:
            return !o->scan_on_time;
        case 8:
            return overdue_by == 1;
        default:
            return 1;
        }
    case FB_WAITING:
        return text != 2 || poa_day_weekday(o->conf_day) == 0;
    default: /* FB_DAMAGED */
        return text == 0 ||
               (text == 1 && (has_sku(o, "BSH-MUG") || has_sku(o, "BSH-BWL"))) ||
               (text == 2 && (has_sku(o, "BSH-COL") || has_sku(o, "BSH-FIRE")));
    }
}

/* Comments go round their list, skipping those that do not fit the order. */
static unsigned char pick_text(gen *g, const order *o, int kind, uint32_t n) {
    uint32_t t = (uint32_t)(g->texts_seen[kind] % n);
    while (!text_fits(o, kind, (int)t))
        t = (t + 1) % n;
    g->texts_seen[kind] = (long)t + 1;
    return (unsigned char)t;
}

static void collect_feedback(gen *g, feedback_list *fl, const order *o) {
    rng *r = &g->fr;
    if (o->afn || o->status != ST_SHIPPED || fl->n >= fl->cap)
        return;
    feedback f = {0};
    f.idx = o->idx;
    memcpy(f.id, o->id, sizeof f.id);
    if (o->late) {
        if (!rng_chance(r, 0.75))
            return;
        int waiting = o->deliv_day == POA_NO_DAY ||
                      (o->deliv_day > o->promised + 1 && rng_chance(r, 0.25));
        if (waiting) {
            f.kind = FB_WAITING;
            int last = o->deliv_day == POA_NO_DAY ? o->promised + 3 : o->deliv_day - 1;
            f.day = rng_range(r, o->promised + 1, last);
        } else {
            if (o->deliv_day <= o->promised)
                return; /* shipped late but arrived in time: no complaint */
            f.kind = FB_LATE;
            f.day = o->deliv_day + rng_range(r, 0, 3);
        }
        double u = rng_unit(r);
        /* Most buyers of a late parcel leave a middling rating: a late
         * shipment shows in feedback long before it becomes a defect. */
        f.rating = u < 0.1 ? 1 : u < 0.22 ? 2 : 3;
    } else {
        if (o->deliv_day == POA_NO_DAY || !rng_chance(r, 0.005))
            return;
        f.day = o->deliv_day + rng_range(r, 0, 2);
        /* One buyer in 25 says the item looked used: always about textiles. */
        if (g->other_feedback_seen++ % 25 == 1)
            g->used_pending = 1;
        if (g->used_pending &&
            has_sku(o, "BSH-THR") + has_sku(o, "BSH-CUS") + has_sku(o, "BSH-TT")) {
            g->used_pending = 0;
            f.kind = FB_USED;
            f.rating = 1;
        } else {
            f.kind = FB_DAMAGED;
            f.rating = rng_chance(r, 0.6) ? 1 : 2;
        }
    }
    if (f.day > g->end)
        return;
    if (f.kind == FB_LATE)
        f.text = pick_text(g, o, f.kind, NTEXT(FB_TEXT_LATE));
    else if (f.kind == FB_WAITING)
        f.text = pick_text(g, o, f.kind, NTEXT(FB_TEXT_WAITING));
    else if (f.kind == FB_DAMAGED)
        f.text = pick_text(g, o, f.kind, NTEXT(FB_TEXT_DAMAGED));
    fl->v[fl->n++] = f;
}

/* Newest first, as Seller Central lists feedback. */
static int feedback_cmp(const void *a, const void *b) {
    const feedback *x = a, *y = b;
    if (x->day != y->day)
        return x->day > y->day ? -1 : 1;
    return x->idx > y->idx ? -1 : x->idx < y->idx ? 1 : 0;
}

/* ---- summary --------------------------------------------------------------- */

typedef struct {
    long orders, rows, duplicates, mfn, afn;
    long cancelled, cancelled_seller, cancelled_buyer, cancelled_none;
    long unshipped, overdue, pending;
    long lsr30_num, lsr30_den, lsr30_overdue, lsr10_num, lsr10_den;
    long late30, late30_h1, late30_scan_on_time, late30_by_wd[7];
    long cr_num, cr_den;
    long shipped_mfn, scanned, no_tracking;
    long feedback, feedback_removed, feedback_response, feedback_negative;
} summary;

static void account(const gen *g, summary *s, const order *o) {
    s->orders++;
    if (o->afn) {
        s->afn++;
        s->pending += o->status == ST_PENDING;
        return;
    }
    s->mfn++;
    int cancelled = o->status == ST_CANCELLED;
    if (cancelled) {
        s->cancelled++;
        s->cancelled_seller += o->cancel == CAN_SELLER;
        s->cancelled_buyer += o->cancel == CAN_BUYER;
        s->cancelled_none += o->cancel == CAN_NONE;
    }
    /* CR: 7 days ending the day before the as-of date, by purchase date. */
    if (o->pday >= g->end - 7 && o->pday <= g->end - 1) {
        s->cr_den++;
        s->cr_num += cancelled && o->cancel != CAN_BUYER;
    }
    if (cancelled)
        return;
    if (o->status == ST_SHIPPED) {
        s->shipped_mfn++;
        s->scanned += o->scan_day != POA_NO_DAY;
        s->no_tracking += o->tracking[0] == '\0';
    }
    int overdue = o->status == ST_UNSHIPPED && o->lsd < g->end;
    s->unshipped += o->status == ST_UNSHIPPED;
    s->overdue += overdue;
    int late = (o->status == ST_SHIPPED && o->conf_day > o->lsd) || overdue;
    if (o->lsd <= g->end && o->lsd >= g->end - 29) {
        s->lsr30_den++;
        s->lsr30_num += late;
        s->lsr30_overdue += overdue;
        if (late) {
            s->late30++;
            s->late30_h1 += o->handling <= 1;
            s->late30_scan_on_time += o->status == ST_SHIPPED &&
                                      o->scan_day != POA_NO_DAY && o->scan_day <= o->lsd;
            s->late30_by_wd[poa_day_weekday(o->pday)]++;
        }
    }
    if (o->lsd <= g->end && o->lsd >= g->end - 9) {
        s->lsr10_den++;
        s->lsr10_num += late;
    }
}

static double pct(long a, long b) {
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void print_summary(const gen *g, const summary *s, const char *dir) {
    char from[11], to[11], l30[11], l10[11], c7a[11], c7b[11];
    poa_day_format(g->end - g->days + 1, from);
    poa_day_format(g->end, to);
    poa_day_format(g->end - 29, l30);
    poa_day_format(g->end - 9, l10);
    poa_day_format(g->end - 7, c7a);
    poa_day_format(g->end - 1, c7b);
    static const char *const WD[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    FILE *e = stderr;
    fprintf(e, "gen_case: wrote %s/orders.txt and %s/feedback.txt (seed %" PRIu64 ")\n",
            dir, dir, g->seed);
    fprintf(e, "  purchase dates          %s .. %s (as-of %s)\n", from, to, to);
    fprintf(
        e,
        "  orders                  %ld distinct, %ld rows (%ld exact duplicate rows)\n",
        s->orders, s->rows, s->duplicates);
    fprintf(e, "  channels                MFN %ld, AFN %ld (AFN pending %ld)\n", s->mfn,
            s->afn, s->pending);
    fprintf(e,
            "  MFN cancelled           %ld (seller %ld, buyer %ld, unattributed %ld)\n",
            s->cancelled, s->cancelled_seller, s->cancelled_buyer, s->cancelled_none);
    fprintf(e, "  MFN unshipped           %ld (overdue %ld)\n", s->unshipped, s->overdue);
    fprintf(e, "  LSR 30 days             %s .. %s: %ld / %ld = %.2f %% (overdue %ld)\n",
            l30, to, s->lsr30_num, s->lsr30_den, pct(s->lsr30_num, s->lsr30_den),
            s->lsr30_overdue);
    fprintf(e, "  LSR 10 days             %s .. %s: %ld / %ld = %.2f %%\n", l10, to,
            s->lsr10_num, s->lsr10_den, pct(s->lsr10_num, s->lsr10_den));
    fprintf(e, "  late, handling <= 1 bd  %ld / %ld = %.1f %%\n", s->late30_h1, s->late30,
            pct(s->late30_h1, s->late30));
    fprintf(e, "  late, scanned on time   %ld / %ld = %.1f %%\n", s->late30_scan_on_time,
            s->late30, pct(s->late30_scan_on_time, s->late30));
    fprintf(e, "  late by purchase day   ");
    for (int i = 0; i < 7; i++)
        fprintf(e, " %s %ld", WD[i], s->late30_by_wd[i]);
    fprintf(e, "\n");
    fprintf(e, "  CR 7 days               %s .. %s: %ld / %ld = %.2f %%\n", c7a, c7b,
            s->cr_num, s->cr_den, pct(s->cr_num, s->cr_den));
    fprintf(e, "  MFN shipped             %ld (first scan %.1f %%, no tracking %ld)\n",
            s->shipped_mfn, pct(s->scanned, s->shipped_mfn), s->no_tracking);
    fprintf(
        e,
        "  feedback                %ld rows (1-2 stars %ld, removed %ld, answered %ld)\n",
        s->feedback, s->feedback_negative, s->feedback_removed, s->feedback_response);
}

/* ---- files ----------------------------------------------------------------- */

static const char ORDERS_HEADER[] =
    "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\t"
    "fulfillment-channel\tsales-channel\torder-channel\tship-service-level\tproduct-"
    "name\tsku\t"
    "asin\titem-status\tquantity\tcurrency\titem-price\titem-tax\tshipping-"
    "price\tshipping-tax\t"
    "gift-wrap-price\tgift-wrap-tax\titem-promotion-discount\tship-promotion-discount\t"
    "ship-city\tship-state\tship-postal-code\tship-country\tpromotion-ids\tcpf\t"
    "is-business-order\tpurchase-order-number\tprice-designation\tlatest-ship-date\tship-"
    "date\t"
    "first-scan-date\tcarrier\ttracking-number\tpromised-delivery-date\tdelivery-date\t"
    "cancelled-by\tcancel-reason\tproduct-line\n";

static const char FEEDBACK_HEADER[] =
    "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\tRemoved\n";

typedef struct {
    FILE *f;
    char *path, *tmp;
} outfile;

static int outfile_open(outfile *of, const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 8;
    of->path = malloc(n);
    of->tmp = malloc(n);
    if (!of->path || !of->tmp) {
        fprintf(stderr, "gen_case: out of memory\n");
        return -1;
    }
    snprintf(of->path, n, "%s/%s", dir, name);
    snprintf(of->tmp, n, "%s/%s.tmp", dir, name);
    of->f = fopen(of->tmp, "wb");
    if (!of->f) {
        fprintf(stderr, "gen_case: cannot write %s: %s\n", of->tmp, strerror(errno));
        return -1;
    }
    setvbuf(of->f, NULL, _IOFBF, 1 << 20);
    return 0;
}

static int outfile_close(outfile *of) {
    int bad = ferror(of->f);
    bad |= fclose(of->f) != 0;
    if (bad || rename(of->tmp, of->path) != 0) {
        fprintf(stderr, "gen_case: cannot write %s: %s\n", of->path, strerror(errno));
        remove(of->tmp);
        return -1;
    }
    return 0;
}

static void outfile_free(outfile *of) {
    free(of->path);
    free(of->tmp);
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int generate(gen *g, const char *dir) {
    int rc = 1;
    outfile of = {0}, ff = {0};
    int *counts = NULL, *times = NULL;
    feedback_list fl = {0};
    summary s = {0};

    /* Orders per day: weekday pattern, a pre-Christmas rise, some noise. */
    static const double WEEKDAY_WEIGHT[7] = {1.10, 1.00, 1.00, 1.00, 0.90, 0.90, 1.15};
    counts = calloc((size_t)g->days, sizeof *counts);
    double *w = calloc((size_t)g->days + 1, sizeof *w);
    if (!counts || !w) {
        free(w);
        fprintf(stderr, "gen_case: out of memory\n");
        goto done;
    }
    double total = 0;
    for (int d = 0; d < g->days; d++) {
        int day = g->end - g->days + 1 + d;
        double trend = g->days > 1 ? 1.0 + 0.25 * d / (g->days - 1) : 1.0;
        total +=
            WEEKDAY_WEIGHT[poa_day_weekday(day)] * trend * (0.85 + 0.3 * rng_unit(&g->r));
        w[d + 1] = total;
    }
    int max_count = 0;
    for (int d = 0; d < g->days; d++) {
        long a = (long)((double)g->norders * w[d] / total + 0.5);
        long b = (long)((double)g->norders * w[d + 1] / total + 0.5);
        if (d == g->days - 1)
            b = g->norders;
        counts[d] = (int)(b - a);
        if (counts[d] > max_count)
            max_count = counts[d];
    }
    free(w);
    times = malloc(((size_t)max_count + 1) * sizeof *times);
    fl.cap = g->norders / 20 + 64;
    fl.v = malloc((size_t)fl.cap * sizeof *fl.v);
    if (!times || !fl.v) {
        fprintf(stderr, "gen_case: out of memory\n");
        goto done;
    }

    if (outfile_open(&of, dir, "orders.txt") != 0)
        goto done;
    fputs(ORDERS_HEADER, of.f);

    char row[4096];
    long idx = 0;
    for (int d = 0; d < g->days; d++) {
        int day = g->end - g->days + 1 + d;
        for (int k = 0; k < counts[d]; k++)
            times[k] = pick_purchase_second(&g->r);
        qsort(times, (size_t)counts[d], sizeof *times, cmp_int);
        for (int k = 0; k < counts[d]; k++, idx++) {
            order o;
            make_order(g, idx, day, times[k], &o);
            for (int i = 0; i < o.nitems; i++) {
                out wr = {row};
                put_row(&wr, &o, i);
                put_c(&wr, '\n');
                fwrite(row, 1, (size_t)(wr.p - row), of.f);
                s.rows++;
                /* The real report repeats some rows verbatim. */
                if (i == 0 && idx % 250 == 137) {
                    fwrite(row, 1, (size_t)(wr.p - row), of.f);
                    s.rows++;
                    s.duplicates++;
                }
            }
            account(g, &s, &o);
            collect_feedback(g, &fl, &o);
        }
    }
    if (outfile_close(&of) != 0)
        goto done;

    qsort(fl.v, (size_t)fl.n, sizeof *fl.v, feedback_cmp);
    if (outfile_open(&ff, dir, "feedback.txt") != 0)
        goto done;
    fputs(FEEDBACK_HEADER, ff.f);
    for (long i = 0; i < fl.n; i++) {
        const feedback *f = &fl.v[i];
        int removed = i % 12 == 5, answered = i % 10 == 3;
        out wr = {row};
        put_uk_date(&wr, f->day);
        put_c(&wr, '\t');
        put_uint(&wr, f->rating);
        put_c(&wr, '\t');
        switch (f->kind) {
        case FB_LATE:
            put_s(&wr, FB_TEXT_LATE[f->text]);
            break;
        case FB_WAITING:
            put_s(&wr, FB_TEXT_WAITING[f->text]);
            break;
        case FB_DAMAGED:
            put_s(&wr, FB_TEXT_DAMAGED[f->text]);
            break;
        default:
            put_s(&wr, FB_TEXT_USED);
            break;
        }
        put_c(&wr, '\t');
        if (answered)
            put_s(&wr, f->kind <= FB_WAITING ? FB_RESPONSE_LATE[(i / 10) % 2]
                                             : FB_RESPONSE_OTHER);
        put_c(&wr, '\t');
        put_s(&wr, f->id);
        put_s(&wr, "\t\t"); /* Rater Email: never in a sample */
        put_s(&wr, removed ? "yes" : "no");
        put_c(&wr, '\n');
        fwrite(row, 1, (size_t)(wr.p - row), ff.f);
        s.feedback++;
        s.feedback_removed += removed;
        s.feedback_response += answered;
        s.feedback_negative += f->rating <= 2 && !removed;
    }
    if (outfile_close(&ff) != 0)
        goto done;

    print_summary(g, &s, dir);
    rc = 0;
done:
    if (of.f && rc != 0 && !ff.path)
        remove(of.tmp);
    outfile_free(&of);
    outfile_free(&ff);
    free(counts);
    free(times);
    free(fl.v);
    return rc;
}

/* ---- command line ---------------------------------------------------------- */

static int usage(const char *msg) {
    if (msg)
        fprintf(stderr, "gen_case: %s\n", msg);
    fprintf(stderr,
            "usage: gen_case --out DIR [--orders N] [--end YYYY-MM-DD] [--days D] "
            "[--seed S]\n");
    return 2;
}

static int parse_long(const char *s, long lo, long hi, long *v) {
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (errno || end == s || *end || x < lo || x > hi)
        return -1;
    *v = x;
    return 0;
}

/* mkdir -p */
static int make_dirs(const char *dir) {
    size_t n = strlen(dir);
    char *p = malloc(n + 1);
    if (!p)
        return -1;
    memcpy(p, dir, n + 1);
    int rc = 0;
    for (size_t i = 1; i <= n && rc == 0; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = -1;
        p[i] = c;
    }
    free(p);
    return rc;
}

int main(int argc, char **argv) {
    const char *dir = NULL;
    long norders = 1000, days = 60;
    uint64_t seed = 327;
    int end = poa_day_from_ymd(2026, 11, 15);

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            return usage(NULL), 0;
        if (i + 1 >= argc)
            return usage("missing value after an option, or unknown option");
        const char *v = argv[++i];
        if (!strcmp(a, "--out")) {
            dir = v;
        } else if (!strcmp(a, "--orders")) {
            if (parse_long(v, 1, 100000000L, &norders) != 0)
                return usage("--orders takes a number from 1 to 100000000");
        } else if (!strcmp(a, "--days")) {
            if (parse_long(v, 1, 3660, &days) != 0)
                return usage("--days takes a number from 1 to 3660");
        } else if (!strcmp(a, "--seed")) {
            char *e;
            errno = 0;
            unsigned long long x = strtoull(v, &e, 10);
            if (errno || e == v || *e || v[0] == '-')
                return usage("--seed takes a non-negative integer");
            seed = (uint64_t)x;
        } else if (!strcmp(a, "--end")) {
            unsigned col;
            if (strlen(v) != 10 || poa_parse_iso_day(v, 10, 0, &end, &col) != 0)
                return usage("--end takes a date YYYY-MM-DD");
        } else {
            return usage("unknown option");
        }
    }
    if (!dir)
        return usage("--out DIR is required");
    if (make_dirs(dir) != 0) {
        fprintf(stderr, "gen_case: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }

    gen g = {0};
    g.end = end;
    g.days = (int)days;
    g.norders = norders;
    g.seed = seed;
    g.r.s = mix64(seed ^ 0x504F4147454E0001u);
    g.fr.s = mix64(seed ^ 0x504F4147454E0002u);
    return generate(&g, dir);
}
