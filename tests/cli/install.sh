# The install target gives a working poagen that finds its data and fonts
# in the installed data folder, away from the source tree.
. "$(dirname "$0")/lib.inc"
build="$(dirname "$bin")"
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null 2>&1 || fail "cmake --install"
[ -x "$tmp/prefix/bin/poagen" ] || fail "no installed binary"
[ -f "$tmp/prefix/share/poagen/rules.xml" ] || fail "no installed rule table"
[ -f "$tmp/prefix/share/poagen/fonts/latin-regular.ttf" ] || fail "no installed fonts"
[ ! -e "$tmp/prefix/share/poagen/fonts/CMakeFiles" ] || fail "build clutter installed"
cp -r "$src/samples/late-shipment" "$tmp/case"
(cd "$tmp" && env -u POAGEN_DATA -u POAGEN_FONTS "$tmp/prefix/bin/poagen" generate case -o out 2>/dev/null) ||
    fail "installed poagen cannot generate"
[ -s "$tmp/out/poa.pdf" ] || fail "no PDF from the installed poagen"
echo ok
