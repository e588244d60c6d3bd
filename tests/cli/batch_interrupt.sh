# batch stopped by SIGTERM after its first case: it dies of the signal,
# leaves no temporary file and no folder that looks finished; the next run
# completes every case exactly once, and the run after that skips them all.
. "$(dirname "$0")/lib.inc"
sample="$src/samples/late-shipment"
cases="$tmp/cases"
out="$tmp/out"
mkdir "$cases"
n=60
for i in $(seq -w 1 $n); do
    cp -r "$sample" "$cases/case-$i"
done
"$bin" batch "$cases" -o "$out" -j 1 2>"$tmp/log1" &
pid=$!
for _ in $(seq 1 3000); do
    grep -q '^\[1/' "$tmp/log1" && break
    sleep 0.01
done
grep -q '^\[1/' "$tmp/log1" || fail "no first case reported"
kill -TERM "$pid"
wait "$pid"
status=$?
expect_status 143 "$status" "batch stopped by SIGTERM (128 + 15)"
contains "$tmp/log1" "stopped by a signal"
find "$out" -name '*.tmp.*' | grep -q . && fail "temporary files left: $(find "$out" -name '*.tmp.*')"
csv="$out/summary.csv"
[ -s "$csv" ] || fail "no summary.csv for the stopped run"
done1=$(grep -c ',ok,generated,' "$csv")
notrun=$(grep -c ',not-run,' "$csv")
[ "$done1" -ge 1 ] || fail "the first case is not in the summary"
[ "$notrun" -ge 1 ] || fail "the run was not stopped before the end ($done1 done)"
[ $((done1 + notrun)) = $n ] || fail "summary: $done1 done + $notrun not run != $n"
# A finished case has its hash; every folder with a hash is complete.
for d in "$out"/case-*; do
    [ -f "$d/.poagen-hash" ] || continue
    for f in poa.md poa.html poa.pdf checklist.md analysis.json lint.txt; do
        [ -s "$d/$f" ] || [ "$f" = lint.txt ] || fail "$d has a hash but no $f"
    done
done
[ "$(ls "$out"/case-*/.poagen-hash | wc -l)" = "$done1" ] || fail "hash files != cases done"

"$bin" batch "$cases" -o "$out" -j 2 2>"$tmp/log2"
expect_status 0 $? "re-run"
[ "$(wc -l <"$csv")" = $((n + 1)) ] || fail "summary.csv should list $n cases once each"
[ "$(cut -d, -f1 "$csv" | sort | uniq -d | wc -l)" = 0 ] || fail "a case is listed twice"
[ "$(grep -c ',ok,skipped,' "$csv")" = "$done1" ] || fail "re-run redid finished cases"
[ "$(grep -c ',ok,generated,' "$csv")" = "$notrun" ] || fail "re-run did not finish the rest"
[ "$(ls -d "$out"/case-* | wc -l)" = $n ] || fail "output folders: expected $n"
for d in "$out"/case-*; do
    [ -s "$d/poa.pdf" ] && [ -f "$d/.poagen-hash" ] || fail "$d incomplete after the re-run"
done
find "$out" -name '*.tmp.*' | grep -q . && fail "temporary files left after the re-run"
"$bin" batch "$cases" -o "$out" 2>/dev/null
expect_status 0 $? "third run"
[ "$(grep -c ',ok,skipped,' "$csv")" = $n ] || fail "third run should skip every case"

# A terminal gets a bar redrawn in place with an ETA.
if command -v script >/dev/null; then
    rm -rf "$out"
    script -qec "'$bin' batch '$cases' -o '$out'" /dev/null >"$tmp/tty" 2>&1
    grep -q 'ETA' "$tmp/tty" || fail "no ETA on a terminal"
    grep -q "$(printf '\r')" "$tmp/tty" || fail "the bar is not redrawn with a carriage return"
    grep -q '^\[1/' "$tmp/tty" && fail "plain progress lines on a terminal"
    grep -q "$n/$n cases" "$tmp/tty" || fail "the bar does not end at $n/$n"
fi
echo "ok"
