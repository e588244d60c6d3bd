"""The case table's rows as Chromium's --dump-dom left them: one line per
row, in DOM order: case name, status, "hidden" or "shown", and the data-v
of the column named on the command line ("-" when the row has none).

usage: dom_rows.py DUMP COLUMN"""
import html
import re
import sys

dom = open(sys.argv[1], encoding="utf-8").read()
column = sys.argv[2]
body = dom[dom.index("<tbody>"):dom.index("</tbody>")]
for row in re.findall(r"<tr\b([^>]*)>(.*?)</tr>", body, re.S):
    attrs, cells = row
    status = re.search(r'data-status="([^"]*)"', attrs).group(1)
    hidden = "hidden" if re.search(r"\bhidden\b", attrs) else "shown"
    name = re.search(r'data-k="case" data-v="([^"]*)"', cells).group(1)
    m = re.search(r'data-k="%s" data-v="([^"]*)"' % re.escape(column), cells)
    print("%s %s %s %s" % (html.unescape(name), status, hidden, m.group(1) if m else "-"))
