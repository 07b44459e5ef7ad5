#!/usr/bin/env python3
"""Checks for tests/e2e/report-chromium.test: the DOM Chromium made of a
`phonetrust report --html` page (after its script ran), held to the
report's --json output, and what Chromium's net log says was fetched.

  report-dom.py dom DOM.html REPORT.json [HOSTILE...]
      charts there, every figure the same as the JSON's (both ways), no
      number outside a tagged element, the script ran, nothing that would
      load from anywhere, the hostile strings shown as text
  report-dom.py sorted DOM.html REPORT.json
      the order the test's clicks left in the phones table (data-sorted-*)
  report-dom.py netlog NETLOG.json [--expect-requests]
      requests the page made (initiator other than the browser itself):
      none, or (the positive control) at least one

Standard library only; prints "ok: ..." lines, "FAIL: ..." and exits 1.
"""
import html.parser
import json
import re
import sys

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def ok(msg):
    print("ok: " + msg)


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []  # Nodes and str

    def text(self):
        return "".join(c if isinstance(c, str) else c.text()
                       for c in self.children)

    def walk(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.walk()

    def up(self):
        n = self
        while n is not None:
            yield n
            n = n.parent


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}


class Tree(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(path):
    t = Tree()
    with open(path, encoding="utf-8") as f:
        t.feed(f.read())
    t.close()
    return t.root


def resolve(doc, path):
    v = doc
    for part in path.split("."):
        if part == "length" and isinstance(v, list):
            v = len(v)
        elif isinstance(v, list):
            v = v[int(part)]
        else:
            v = v[part]
    return v


def numeric_leaves(v, path=""):
    if isinstance(v, bool) or v is None:
        return
    if isinstance(v, int):
        yield path
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from numeric_leaves(x, path + "." + k if path else k)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from numeric_leaves(x, "%s.%d" % (path, i))


def strings_with(v, needle):
    if isinstance(v, str):
        if needle in v:
            yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings_with(x, needle)
    elif isinstance(v, list):
        for x in v:
            yield from strings_with(x, needle)


def shown(s):
    """A string as the page shows it: what lib/common/text.c calls unsafe
    as \\XX per UTF-8 byte."""
    out = []
    for ch in s:
        cp = ord(ch)
        if (cp < 0x20 or 0x7f <= cp <= 0x9f or cp == 0x61c or
                cp in (0x200e, 0x200f) or 0x2028 <= cp <= 0x202e or
                0x2066 <= cp <= 0x2069):
            out.append("".join("\\%02X" % b for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def by_id(root, ident):
    for n in root.walk():
        if n.attrs.get("id") == ident:
            return n
    return None


def check_dom(dom_path, json_path, hostile):
    root = parse(dom_path)
    with open(json_path, encoding="utf-8") as f:
        doc = json.load(f)
    nodes = list(root.walk())

    # the script ran: the CSP let it (its hash is right) and it finished
    html_el = [n for n in nodes if n.tag == "html"]
    if html_el and html_el[0].attrs.get("data-ready") == "1":
        ok("the page's script ran under its Content-Security-Policy")
    else:
        fail("the page's script did not run (data-ready missing)")
    csp = [n for n in nodes if n.tag == "meta" and
           n.attrs.get("http-equiv", "").lower() ==
           "content-security-policy"]
    if len(csp) == 1 and "default-src 'none'" in csp[0].attrs["content"] \
            and "unsafe" not in csp[0].attrs["content"]:
        ok("CSP: " + csp[0].attrs["content"][:60] + "...")
    else:
        fail("no strict Content-Security-Policy meta")

    # charts: inline SVG with drawn bars
    figs = {"breakdown": 1, "timeline": 1}
    if doc["change"] is not None:
        figs["impact"] = 1
    for fig in figs:
        f = by_id(root, fig)
        svgs = [n for n in f.walk() if n.tag == "svg"] if f else []
        rects = [n for s in svgs for n in s.walk() if n.tag == "rect"
                 and "data-v" in n.attrs]
        if svgs and rects:
            ok("chart %s: %d svg, %d bars" % (fig, len(svgs), len(rects)))
        else:
            fail("chart %s: no svg with bars" % fig)

    # every tagged figure equals the JSON's, and every JSON figure is there
    tagged = {}
    for n in nodes:
        p = n.attrs.get("data-v")
        if p is None:
            continue
        val = n.attrs.get("data-n")
        if val is None:
            val = n.text().strip()
        try:
            want = resolve(doc, p)
        except (KeyError, IndexError, ValueError, TypeError):
            fail("data-v=%s names nothing in the JSON" % p)
            continue
        if str(want) != val:
            fail("%s: page says %r, JSON %r" % (p, val, want))
        tagged[p] = tagged.get(p, 0) + 1
    leaves = [p for p in numeric_leaves(doc) if p != "schema"]
    missing = [p for p in leaves if p not in tagged]
    if missing:
        fail("JSON figures not on the page: " + ", ".join(missing[:10]))
    ok("%d tagged figures on the page, %d JSON figures, all equal" %
       (sum(tagged.values()), len(leaves)))

    # the timeline's hover titles say the month's figures too
    months = [n for n in nodes if n.tag == "g" and "data-month" in n.attrs]
    if len(months) != len(doc["expiry"]):
        fail("%d month columns, JSON has %d months" %
             (len(months), len(doc["expiry"])))
    for g, m in zip(months, doc["expiry"]):
        title = [c for c in g.children if isinstance(c, Node) and
                 c.tag == "title"]
        nums = [int(x) for x in re.findall(r"\b\d+\b",
                title[0].text().split(":", 1)[1])] if title else []
        want = [m["lsc"], m["mic"], m["anchors"], m["intermediates"],
                m["phones_lost"]]
        if g.attrs["data-month"] != m["month"] or nums != want:
            fail("month %s: title %r, JSON %r" % (m["month"], nums, want))
    ok("%d month columns match the JSON" % len(months))

    # no figure outside a tagged element: free text is marked data-text
    skip = {"title", "script", "style", "time", "code"}
    for n in nodes:
        if any(a.tag in skip or "data-v" in a.attrs or "data-text" in a.attrs
               for a in n.up()):
            continue
        for c in n.children:
            if isinstance(c, str) and re.search(r"\d", c):
                fail("untagged number in <%s>: %r" % (n.tag, c.strip()[:60]))

    # the phones table: a row per action (data-i, its index), all of them
    # up to the page's limit (REPORT_HTML_ROWS), the most urgent beyond it
    table = by_id(root, "phones")
    rows = [n for n in table.walk() if n.tag == "tr"][1:] if table else []
    want = min(len(doc["actions"]), 2000)
    index = [int(tr.attrs.get("data-i", -1)) for tr in rows]
    if len(rows) != want or len(set(index)) != len(index) or \
            not all(0 <= i < len(doc["actions"]) for i in index):
        fail("%d rows in the phones table (indexes %r...), expected %d" %
             (len(rows), index[:5], want))
    for tr, i in zip(rows, index):
        a = doc["actions"][i]
        cells = [c for c in tr.children if isinstance(c, Node) and
                 c.tag == "td"]
        if cells[0].text() != shown(a["device"]) or \
                cells[1].text() != a["purpose"]:
            fail("row %r / %r, JSON %r / %r" % (cells[0].text(),
                 cells[1].text(), a["device"], a["purpose"]))
    ok("%d phone rows match the JSON's actions" % len(rows))
    # sortable: the script put a button in every header
    heads = [n for n in table.walk() if n.tag == "th"] if table else []
    if heads and all(any(c.tag == "button" for c in h.walk()) for h in heads):
        ok("the phones table's %d headers are sort buttons" % len(heads))
    elif rows:
        fail("the phones table's headers are not sort buttons")

    # nothing that loads: no element that fetches, no link but #fragments,
    # no handler attribute, one script (the page's own, inline)
    for n in nodes:
        if n.tag in ("img", "iframe", "object", "embed", "link", "audio",
                     "video", "source", "frame", "base", "form", "image",
                     "use", "foreignobject"):
            fail("element <%s> %r" % (n.tag, n.attrs))
        for k, v in n.attrs.items():
            if k.startswith("on"):
                fail("handler attribute %s on <%s>" % (k, n.tag))
            if k in ("src", "href", "xlink:href", "action", "data",
                     "poster", "srcset", "background", "formaction"):
                fail("<%s %s=%r>" % (n.tag, k, v))
            if k == "style" and "url(" in v:
                fail("style with url() on <%s>" % n.tag)
    scripts = [n for n in nodes if n.tag == "script"]
    if len(scripts) != 1 or "src" in scripts[0].attrs:
        fail("%d scripts, or one with src" % len(scripts))
    for n in nodes:
        if n.tag == "style" and re.search(r"url\(|@import|@font-face",
                                          n.text()):
            fail("the style sheet loads something")
    ok("no element, attribute or style that loads anything")

    # hostile strings from the inventory: shown as text, never markup;
    # "--every-alert" stands for every string of the JSON holding one
    body = "".join(n.text() for n in nodes if n.tag == "body")
    if hostile == ["--every-alert"]:
        hostile = sorted(set(strings_with(doc, "alert(")))
        if not hostile:
            fail("no hostile string in the JSON")
    for h in hostile:
        if shown(h) in body:
            ok("hostile text shown as text: %r" % h[:40])
        else:
            fail("hostile text not shown as text: %r" % h)


def check_sorted(dom_path, json_path):
    root = parse(dom_path)
    with open(json_path, encoding="utf-8") as f:
        doc = json.load(f)
    body = [n for n in root.walk() if n.tag == "body"][0]
    table = by_id(root, "phones")
    rows = [n for n in table.walk() if n.tag == "tr"][1:]
    devices = [shown(doc["actions"][int(tr.attrs["data-i"])]["device"])
               for tr in rows]
    up = json.loads(body.attrs.get("data-sorted-up", "[]"))
    down = json.loads(body.attrs.get("data-sorted-down", "[]"))
    dates = json.loads(body.attrs.get("data-sorted-dates", "[]"))
    # JavaScript compares UTF-16 code units; these are BMP strings
    if up == sorted(devices) and down == sorted(devices, reverse=True):
        ok("a click sorts by device, a second one reverses (%d rows)" %
           len(up))
    else:
        fail("device order after clicks: %r / %r" % (up[:5], down[:5]))
    known = [d for d in dates if d != "9999"]
    if dates and known == sorted(known) and \
            all(d == "9999" for d in dates[len(known):]):
        ok("sorted by last usable date, unknown last")
    else:
        fail("date order after a click: %r" % dates[:8])


def check_netlog(path, expect):
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for e in log["events"]:
        p = e.get("params") or {}
        # the browser's own traffic (updates, time) has no origin
        if types.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in p \
                and p.get("initiator") != "not an origin":
            urls.append(p["url"])
    if expect:
        if urls:
            ok("the control page's requests are seen: %s" % urls[0])
        else:
            fail("the control page's requests are not in the net log")
    elif urls:
        fail("the page requested: " + ", ".join(urls))
    else:
        ok("the page requested nothing")


def main(argv):
    if len(argv) >= 3 and argv[0] == "dom":
        check_dom(argv[1], argv[2], argv[3:])
    elif len(argv) == 3 and argv[0] == "sorted":
        check_sorted(argv[1], argv[2])
    elif len(argv) >= 2 and argv[0] == "netlog":
        check_netlog(argv[1], "--expect-requests" in argv[2:])
    else:
        print(__doc__)
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
