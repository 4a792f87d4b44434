#!/usr/bin/env python3
"""Helpers of scripts/security-scan (standard library only).

  scan_helper.py target BASE COOKIE LINE
      resolves one line of sqlmap-targets.txt; prints five lines: the method, the URL, the body
      (POST; empty for GET), the parameters to test (empty: the URL's '*' marker only) and
      sqlmap --eval code refreshing the form's version and one-time token (or empty)
  scan_helper.py wapiti REPORT.json
      prints one line per distinct finding: severity<TAB>category<TAB>method path [parameter]: info
  scan_helper.py server-log LOG
      prints one line per distinct 5xx answer in the server's JSON log: count<TAB>status<TAB>method path
"""
import collections
import html.parser
import json
import re
import sys
import urllib.parse
import urllib.request


def fetch(base, cookie, path):
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode("utf-8", "replace")


def resolve(base, cookie, path, via):
    """Replaces {id} in path by the id of the first link on `via` matching the path up to it."""
    if "{id}" not in path:
        return path
    if not via:
        raise SystemExit("{id} without via= in " + path)
    prefix = path.split("{id}", 1)[0]
    page = fetch(base, cookie, via)
    match = re.search(r'href="' + re.escape(prefix) + r'(\d+)', page)
    if not match:
        raise SystemExit("no link %s<id> on %s" % (prefix, via))
    return path.replace("{id}", match.group(1), 1)


class Forms(html.parser.HTMLParser):
    """Every form of a page with its successful controls (as a browser would submit them)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                         "fields": [], "names": set(), "button": None}
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = a.get("name")
        kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
        if tag in ("input", "button") and kind == "submit":
            # The first named submit button that validates is the one "clicked".
            if name and "formnovalidate" not in a and self.form["button"] is None:
                self.form["names"].add(name)
                self.form["button"] = [name, a.get("value") or ""]
            return
        if tag == "input" and name:
            self.form["names"].add(name)
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form["fields"].append([name, a.get("value") or "on"])
            elif kind not in ("submit", "button", "file", "reset", "image"):
                self.form["fields"].append([name, a.get("value") or ""])
        elif tag == "textarea" and name:
            self.form["names"].add(name)
            self.textarea = [name, ""]
            self.form["fields"].append(self.textarea)
        elif tag == "select" and name:
            self.form["names"].add(name)
            self.select = {"name": name, "first": None, "selected": None}
        elif tag == "option" and self.select is not None:
            value = a.get("value") or ""
            if self.select["first"] is None and value:
                self.select["first"] = value
            if "selected" in a:
                self.select["selected"] = value

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            if self.form is not None and self.form["button"] is not None:
                self.form["fields"].append(self.form["button"])
            self.form = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select is not None:
            s = self.select
            value = s["selected"] if s["selected"] is not None else (s["first"] or "")
            if self.form is not None:
                self.form["fields"].append([s["name"], value])
            self.select = None


def target(base, cookie, line):
    words = line.split()
    method, path = words[0].upper(), words[1]
    options = dict(w.split("=", 1) for w in words[2:])
    path = resolve(base, cookie, path, options.get("via"))
    if method == "GET":
        # Every query parameter but the tokens; none with a '*' (sqlmap then tests that point).
        query = urllib.parse.urlsplit(path).query
        names = [] if "*" in path else [k for k, _ in urllib.parse.parse_qsl(query, keep_blank_values=True)]
        print("GET")
        print(base + path)
        print("")
        print(",".join(dict.fromkeys(n for n in names if n not in ("csrf", "form_token"))))
        print("")
        return
    tested = [p for p in options.get("test", "").split(",") if p]
    if not tested:
        raise SystemExit("POST without test= in " + line)
    parser = Forms()
    parser.feed(fetch(base, cookie, path))
    forms = [f for f in parser.forms if f["method"] == "post" and all(p in f["names"] for p in tested)]
    if not forms:
        raise SystemExit("no POST form with %s on %s" % (",".join(tested), path))
    form = forms[0]
    fields = form["fields"]
    overrides = urllib.parse.parse_qsl(options.get("set", ""), keep_blank_values=True)
    for key, value in overrides:
        hits = [f for f in fields if f[0] == key]
        if hits:
            hits[0][1] = value
        else:
            fields.append([key, value])
    action = urllib.parse.urljoin(base + path, form["action"] or path)
    print("POST")
    print(action)
    print(urllib.parse.urlencode([(k, v) for k, v in fields]))
    print(",".join(tested))
    print(refresh(base + path, {k for k, v in fields if v}))


def refresh(page, names):
    """sqlmap --eval code that reads the form page again before each request and posts its
    current version and one-time token, so that every payload is saved like a user's post (a
    stale version gets the conflict page, a used token lands where its first post did).
    Semicolons separate statements (sqlmap splits on them); only str variables named like a
    parameter may remain, since sqlmap adds every other str variable to the request."""
    tokens = [n for n in ("version", "form_token") if n in names]
    if not tokens:
        return ""
    code = ["import re, urllib.request as _r",
            "_p = [_r.urlopen(_r.Request(%r, headers={'Cookie': cookie}), timeout=20).read().decode()]" % page]
    code += ["%s = (re.search('name=\"%s\" value=\"([^\"]*)\"', _p[0]) or [0, %s])[1]" % (n, n, n) for n in tokens]
    return "; ".join(code)


LEVELS = {"4": "critical", "3": "high", "2": "medium", "1": "low", "0": "info"}


def wapiti(report):
    with open(report, encoding="utf-8") as f:
        data = json.load(f)
    lines = collections.Counter()
    for section in ("vulnerabilities", "anomalies"):
        for category, items in sorted((data.get(section) or {}).items()):
            for item in items:
                severity = LEVELS.get(str(item.get("level")), str(item.get("level")))
                where = "%s %s" % (item.get("method", ""), item.get("path", ""))
                if item.get("parameter"):
                    where += " [%s]" % item["parameter"]
                info = " ".join(str(item.get("info", "")).split())
                lines["%s\t%s\t%s: %s" % (severity, category, where, info)] += 1
    # Two modules meeting the same anomaly (e.g. exec and file both getting a 500) report it twice.
    for line, count in sorted(lines.items()):
        print(line + (" (reported %d times)" % count if count > 1 else ""))


def server_log(log):
    seen = collections.Counter()
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.startswith("{"):
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            fields = record.get("fields") or {}
            status = fields.get("status", record.get("status"))
            try:
                status = int(status)
            except (TypeError, ValueError):
                continue
            if status < 500:
                continue
            span = record.get("span") or {}
            method = span.get("method", "?")
            path = span.get("path", span.get("uri", "?"))
            seen[(status, method, path)] += 1
    for (status, method, path), count in sorted(seen.items()):
        print("%d\t%d\t%s %s" % (count, status, method, path))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "target":
        target(sys.argv[2], sys.argv[3], sys.argv[4])
    elif command == "wapiti":
        wapiti(sys.argv[2])
    elif command == "server-log":
        server_log(sys.argv[2])
    else:
        raise SystemExit("unknown command " + command)
