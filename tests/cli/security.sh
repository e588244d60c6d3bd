# Hostile input: external entities and DTDs, an entity bomb, path tricks,
# seller text that looks like template or markup, and no network at all.
# Huge files and lines are bounded in bad_inputs.sh (a 10 MB line, a 2 MB
# text node) and the bad-input corpus (tests/bad/), not repeated here.
. "$(dirname "$0")/lib.inc"
sample="$src/samples/late-shipment"
xmlhead='<?xml version="1.0" encoding="UTF-8"?>'
secret=$(head -n 1 /etc/passwd) # what an external entity would pull in
# never_leaks FILE...: the entity's target appears in none of them.
never_leaks() {
    for f in "$@"; do
        [ -f "$f" ] || continue
        grep -qF -- "$secret" "$f" && fail "$f holds /etc/passwd"
        grep -q 'root:' "$f" && fail "$f holds /etc/passwd"
    done
    return 0
}

# --- External entities and DTDs, in every XML the tool reads ---------------
# case.xml: an external entity, an external DTD, a parameter entity, XInclude.
i=0
for doctype in \
    '<!DOCTYPE case [<!ENTITY x SYSTEM "file:///etc/passwd">]>' \
    '<!DOCTYPE case SYSTEM "file:///etc/passwd">' \
    '<!DOCTYPE case [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>' \
    '<!DOCTYPE case PUBLIC "-//poagen//x" "http://127.0.0.1:9/x.dtd">'; do
    i=$((i + 1))
    rm -rf "$tmp/c$i" && cp -r "$sample" "$tmp/c$i"
    printf '%s\n%s\n<case xmlns="urn:poagen:case:1" version="1">\n  <seller><name>&x;</name></seller>\n</case>\n' \
        "$xmlhead" "$doctype" >"$tmp/c$i/case.xml"
    "$bin" analyze "$tmp/c$i" --format json >"$tmp/out$i" 2>"$tmp/err$i"
    expect_status 2 $? "case.xml DOCTYPE $i"
    # Refused for its DOCTYPE or, when the parameter entity is refused
    # first, for the entity it did not define.
    grep -qE "case.xml:(2:1: error: .*DOCTYPE|4:20: error: Entity 'x' not defined)" "$tmp/err$i" || fail "case.xml DOCTYPE $i: $(head -c 300 "$tmp/err$i")"
    "$bin" generate "$tmp/c$i" -o "$tmp/g$i" >"$tmp/gout$i" 2>"$tmp/gerr$i"
    expect_status 2 $? "generate, case.xml DOCTYPE $i"
    [ -e "$tmp/g$i/poa.md" ] && fail "generate wrote a POA from a refused case.xml"
    never_leaks "$tmp/out$i" "$tmp/err$i" "$tmp/gout$i" "$tmp/gerr$i"
done
rm -rf "$tmp/cx" && cp -r "$sample" "$tmp/cx"
sed 's|<marketplace>|<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>\n  <marketplace>|' \
    "$sample/case.xml" >"$tmp/cx/case.xml"
"$bin" analyze "$tmp/cx" >"$tmp/out" 2>"$tmp/err"
expect_status 2 $? "XInclude"
contains "$tmp/err" "XInclude}include': This element is not expected"
never_leaks "$tmp/out" "$tmp/err"

# The performance report (V1 XML) and a rule table (--rules).
rm -rf "$tmp/r" && mkdir -p "$tmp/r"
printf '%s\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<sellerPerformanceReports><sellerPerformanceReport marketplaceId="&x;"/></sellerPerformanceReports>\n' \
    "$xmlhead" >"$tmp/r/report.xml"
"$bin" inspect "$tmp/r" >"$tmp/out" 2>"$tmp/err"
expect_status 2 $? "report XXE"
# Refused by libxml2 itself (an attribute may not name an external entity).
contains "$tmp/err" "report.xml:3:70: error: Attribute references external entity 'x'"
never_leaks "$tmp/out" "$tmp/err"
printf '%s\n<!DOCTYPE rules [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<rules xmlns="urn:poagen:rules:1" version="1">&x;</rules>\n' \
    "$xmlhead" >"$tmp/rules.xml"
for cmd in "rules check $tmp/rules.xml" "analyze $sample --rules $tmp/rules.xml"; do
    # shellcheck disable=SC2086
    "$bin" $cmd >"$tmp/out" 2>"$tmp/err"
    expect_status 2 $? "$cmd"
    contains "$tmp/err" "rules.xml:2:1: error: entity declarations are not accepted"
    never_leaks "$tmp/out" "$tmp/err"
done

# --- An entity-expansion bomb is refused at once ---------------------------
# A billion laughs (10^9 "lol"s, 3 GB expanded) in an attribute of a
# performance report and in the text of case.xml. The bound is CPU time, not
# the wall clock, so a loaded machine cannot fail it: an expanded bomb needs
# far more than 5 s of CPU (and 3 GB), a refused one about 0.1 s.
{
    printf '%s\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' "$xmlhead"
    printf ' <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    for k in 2 3 4 5 6 7 8 9; do
        printf ' <!ENTITY lol%d "' "$k"
        for _ in 1 2 3 4 5 6 7 8 9 10; do printf '&lol%d;' $((k - 1)); done
        printf '">\n'
    done
    printf ']>\n'
} >"$tmp/bomb-head"
rm -rf "$tmp/b1" "$tmp/b2" && mkdir -p "$tmp/b1"
{ cat "$tmp/bomb-head"; printf '<sellerPerformanceReports><sellerPerformanceReport marketplaceId="&lol9;"/></sellerPerformanceReports>\n'; } >"$tmp/b1/report.xml"
cp -r "$sample" "$tmp/b2"
{ cat "$tmp/bomb-head"; printf '<case xmlns="urn:poagen:case:1" version="1"><seller><name>&lol9;</name></seller></case>\n'; } >"$tmp/b2/case.xml"
for b in b1 b2; do
    (
        ulimit -t 5
        exec "$bin" analyze "$tmp/$b" --marketplace Amazon.co.uk
    ) >/dev/null 2>"$tmp/err"
    status=$?
    expect_status 2 "$status" "entity bomb $b (137 or 152: killed at the CPU limit)"
    grep -q ': error: .*entity' "$tmp/err" || fail "entity bomb $b: no error naming the entity: $(cat "$tmp/err")"
done

# --- Paths --------------------------------------------------------------------
# Evidence file names in case.xml are only named, never opened: one pointing
# out of the case folder does not pull the file into any output.
rm -rf "$tmp/ev" && cp -r "$sample" "$tmp/ev"
sed 's|file="evidence/late-orders.csv"|file="../../../../../../etc/passwd"|' "$sample/case.xml" >"$tmp/ev/case.xml"
"$bin" generate "$tmp/ev" -o "$tmp/evout" --format md,html,json,checklist >/dev/null 2>&1
expect_status 0 $? "evidence path outside the case"
never_leaks "$tmp/evout"/*
# batch: a case folder whose name climbs out with backslashes (as Windows
# reads it) is refused and
# nothing lands beside the output folder (slashes, links and control
# characters are covered in batch.sh).
rm -rf "$tmp/cases" "$tmp/bout" && mkdir -p "$tmp/cases"
cp -r "$sample" "$tmp/cases/x\\..\\..\\escaped"
"$bin" batch "$tmp/cases" -o "$tmp/bout" -j 1 --quiet >/dev/null 2>"$tmp/err"
expect_status 1 $? "batch, backslash case name"
contains "$tmp/err" "a slash or a control character"
[ -z "$(find "$tmp" -maxdepth 2 -name 'escaped*' ! -path "$tmp/cases/*")" ] || fail "batch wrote outside its output folder"
# generate -o through a symbolic link to a folder is the user's own choice.
mkdir -p "$tmp/real-out" && ln -s "$tmp/real-out" "$tmp/link-out"
"$bin" generate "$sample" -o "$tmp/link-out" --format md >/dev/null 2>&1
expect_status 0 $? "generate -o through a link"
[ -f "$tmp/real-out/poa.md" ] || fail "generate -o through a link wrote nothing"

# --- Seller text is text, never template or markup ---------------------------
rm -rf "$tmp/inj" && cp -r "$sample" "$tmp/inj"
python3 - "$sample/case.xml" "$tmp/inj/case.xml" <<'EOF'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
evil = ("{{#x}}boom{{/x}} [[TO FILL: name]] [link](http://evil) "
        "&lt;script&gt;alert(1)&lt;/script&gt; &lt;a href=\"http://evil\"&gt;x&lt;/a&gt;")
s = s.replace("<name>Brøndum &amp; Søn Homeware Ltd</name>", "<name>Acme " + evil + "</name>", 1)
s = s.replace("<store>Brøndum Home</store>", "<store>\n# Heading store\n</store>", 1)
s = s.replace('<fact name="confirmation_tool">our label printer (ShipStation) to Seller Central</fact>',
              '<fact name="confirmation_tool">\n# Heading fact\n' + evil + " {{seller.name}} {{{facts.x}}}</fact>", 1)
open(sys.argv[2], "w", encoding="utf-8").write(s)
EOF
"$bin" generate "$tmp/inj" -o "$tmp/injout" --format md,html,report >/dev/null 2>&1
{ [ -f "$tmp/injout/poa.md" ] && [ -f "$tmp/injout/poa.html" ]; } || fail "injection case: no POA written"
md="$tmp/injout/poa.md"
html="$tmp/injout/poa.html"
for f in "$html" "$tmp/injout/report.html"; do
    grep -qi '<script' "$f" && fail "$f: seller text became a <script>"
    grep -qi '<a href="http://evil' "$f" && fail "$f: seller text became a link"
    grep -qiE '<h[1-6][^>]*>[^<]*Heading (store|fact)' "$f" && fail "$f: seller text became a heading"
done
grep -qE '^#+ *Heading' "$md" && fail "poa.md: seller text became a heading"
grep -qE '(^|[^\\])\[link\]\(http' "$md" && fail "poa.md: seller text became a link"
grep -qE '(^|[^\\])<script' "$md" && fail "poa.md: seller text holds raw <script>"
# The text is there, literally: braces not expanded, markup escaped.
contains "$html" 'Acme {{#x}}boom{{/x}}'
contains "$html" '&lt;script&gt;alert(1)&lt;/script&gt;'
contains "$html" '{{seller.name}}'
grep -q 'boom' "$md" || fail "poa.md lost the seller's text"

# --- No network, ever -----------------------------------------------------------
# Every socket, connect, bind or send a process makes (libxml2, iconv, fonts,
# the PDF writer) is a network system call; poagen must make none.
if command -v strace >/dev/null 2>&1 && strace -f -qq -e trace=network -o /dev/null true 2>/dev/null; then
    net() { # label command...
        what=$1
        shift
        strace -f -qq -e trace=network -e signal=none -o "$tmp/strace" "$@" >/dev/null 2>&1
        if grep -E 'socket\(|connect\(|bind\(|send(to|msg)?\(' "$tmp/strace" >/dev/null; then
            fail "$what made network calls: $(head -n 3 "$tmp/strace")"
        fi
    }
    notice=$(find "$src/tests/notices" -name '*.eml' | sort | head -n 1)
    net "analyze" "$bin" analyze "$sample"
    net "analyze json" "$bin" analyze "$sample" --format json
    net "generate" "$bin" generate "$sample" -o "$tmp/net-out"
    [ -f "$tmp/net-out/poa.pdf" ] || fail "generate under strace wrote no PDF"
    net "init" "$bin" init "$tmp/net-case" --notice "$notice" --no-input
    [ -f "$tmp/net-case/case.xml" ] || fail "init under strace wrote no case.xml"
    net "analyze, external DTD" "$bin" analyze "$tmp/c4"
    echo "ok (strace)"
elif command -v unshare >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
    # Without a network namespace's interfaces, the same outputs.
    "$bin" analyze "$sample" --format json >"$tmp/with-net.json"
    unshare -n "$bin" analyze "$sample" --format json >"$tmp/no-net.json"
    expect_status 0 $? "analyze without network"
    cmp -s "$tmp/with-net.json" "$tmp/no-net.json" || fail "analyze differs without network"
    unshare -n "$bin" generate "$sample" -o "$tmp/nn-out" >/dev/null 2>&1
    expect_status 0 $? "generate without network"
    echo "ok (unshare -n)"
else
    echo "skipped: neither strace nor unshare -n to watch for network use"
    exit 77
fi
