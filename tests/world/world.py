#!/usr/bin/python3
"""The v6crawl test world: real nginx and dnsmasq on loopback, inside a
private network namespace (tests/integration/run.sh and tests/world/demo.sh
create it; this script never touches the real network).

    world.py up DIR [--no-ipv6]   generate pages, certificates, nginx.conf and
                                  expected.json into DIR; start nginx and
                                  dnsmasq; wait until both answer
    world.py down DIR             stop both (pid files in DIR)
    world.py check DIR            prove with real DNS queries and curl that
                                  every host behaves as the model says
    world.py expected [DIR]       print the expected figures (JSON)
    world.py sites                print the start URLs, one a line

The world is described once, as data (HOSTS, REDIRECTS, PAGES, FILES). The
same data generates the servers' configuration and, through a small model of
the measurement rules of doc/measurement.md (probe both families, classify, levels,
scope by the public suffix list), the expected figures: add a link to a page
and both the world and expected.json change with it.

Python 3.11 standard library only.
"""

import html
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.parse

DNS_IP = "127.0.0.1"
DNS_PORT = 5353
V4 = "127.0.0.%d"
V6 = "fd6c:7763::%x"
PSL_FILE = "/usr/share/publicsuffix/public_suffix_list.dat"

# ---------------------------------------------------------------------------
# The world, as data.
#
# Every host has its own address index n: IPv4 127.0.0.n, IPv6 fd6c:7763::n.
#   a / aaaa   whether DNS has an A / AAAA record
#   v4 / v6    what listens on that address: "up" (nginx serves normally),
#              "down" (nothing listens: connection refused), "503" (nginx
#              answers 503 to everything but /robots.txt)
#   http       port 80: "static" or "https-redirect" (301 to https for all
#              but /robots.txt, which is served)
#   https      port 443 served too (certificate from the world's test CA)
#   robots     robots.txt body, or None (then 404)
#   robots_status  an HTTP status nginx answers /robots.txt with instead
#   cname      DNS CNAME to this host (served on the target's addresses)
# Any name not here is NXDOMAIN.

HOSTS = {
    "www.demo.gov.cn": dict(n=2, a=True, aaaa=True, http="https-redirect",
                            https=True,
                            robots="User-agent: *\nDisallow: /private/\n"),
    "www2.demo.gov.cn": dict(cname="www.demo.gov.cn"),
    "v4.demo.gov.cn": dict(n=3, a=True, aaaa=False),
    "v6.demo.gov.cn": dict(n=4, a=False, aaaa=True),
    "broken.demo.gov.cn": dict(n=5, a=True, aaaa=True, v6="down"),
    "err.demo.gov.cn": dict(n=6, a=True, aaaa=True, v6="503"),
    "gone.demo.gov.cn": dict(n=7, a=True, aaaa=True, v4="down", v6="down"),
    "xn--fiq228c.demo.gov.cn": dict(n=8, a=True, aaaa=True),  # 中文.demo.gov.cn
    "old.demo.gov.cn": dict(n=9, a=True, aaaa=True, robots_status=500),
    "www.demo.edu.cn": dict(n=10, a=True, aaaa=True),
    "lib.demo.edu.cn": dict(n=11, a=True, aaaa=False),
    "cdn.outside.com.cn": dict(n=12, a=True, aaaa=True, https=True),
    "legacy.partner.net.cn": dict(n=13, a=True, aaaa=False),
    "ipv6.partner.net.cn": dict(n=14, a=False, aaaa=True),
    # An IPv4-only host behind a CDN CNAME (a name under an Alibaba Cloud
    # CDN suffix of data/cdn-suffixes.txt): `v6crawl fixes` names the CDN.
    "static.demo.gov.cn": dict(cname="static.demo.gov.cn.w.kunlunca.com"),
    "static.demo.gov.cn.w.kunlunca.com": dict(n=15, a=True, aaaa=False),
}
for _h in HOSTS.values():
    _h.setdefault("v4", "up")
    _h.setdefault("v6", "up")
    _h.setdefault("http", "static")
    _h.setdefault("https", False)
    _h.setdefault("robots", None)
    _h.setdefault("robots_status", None)
    _h.setdefault("cname", None)

# Explicit redirects: (host, path) -> Location (301), on every scheme served.
# Paths whose server answers HEAD with 405 and GET normally (servers that
# refuse HEAD): the class is GET's, so the model needs nothing for them.
NOHEAD = {("www.demo.edu.cn", "/nohead.html")}

# zone -> [(name server, A, AAAA or None)]: demo.gov.cn has two name
# servers, one with an AAAA, but none answers over IPv6 (the world's one
# dnsmasq answers every zone at 127.0.0.1:5353; nothing listens at the
# AAAA), so it reports 0 of 2; demo.edu.cn has no NS records (nor has its
# parent here), so it reports 0 of 0. tests/integration/test_deleg.py
# has name servers that answer.
NAME_SERVERS = {
    "demo.gov.cn": [("ns1.demo.gov.cn", "127.0.0.201", "fd6c:7763::c9"),
                    ("ns2.demo.gov.cn", "127.0.0.202", None)],
}

REDIRECTS = {
    ("www.demo.gov.cn", "/go/old"): "http://v4.demo.gov.cn/",
    # a redirect into a path robots.txt disallows: the link is "robots"
    ("www.demo.gov.cn", "/go/private"): "https://www.demo.gov.cn/private/plan.html",
    # a redirect loop: more than 5 redirects on both families -> dead
    ("www.demo.gov.cn", "/loop/a"): "https://www.demo.gov.cn/loop/b",
    ("www.demo.gov.cn", "/loop/b"): "https://www.demo.gov.cn/loop/a",
}

# Exact locations served from a file (path without extension).
EXACT = {
    ("www.demo.edu.cn", "/search"): "/search.html",
}

SITES = ["http://www.demo.gov.cn/", "http://www.demo.edu.cn/"]

# Pages: "host/path" -> dict(links=[(tag, href)...], base=None,
# charset="utf-8"). tag is a, area or iframe. A path ending in "/" is
# written as index.html. Every page is real HTML served by nginx; pages that
# the crawl must not read (robots, external, behind a dead link) carry links
# that would show up in the figures if they were read.
PAGES = {
    # ---- site 1: http://www.demo.gov.cn/ -> 301 -> https://www.demo.gov.cn/
    "www.demo.gov.cn/": dict(links=[
        ("a", "/"),                                  # level 1 (final URL)
        ("a", "http://www.demo.gov.cn/"),            # level 1 (start URL)
        ("a", "/news/"),
        ("a", "/news/#top"),                         # fragment variant
        ("a", "#main"),                              # fragment-only: skipped
        ("a", " #main "),                            # the same, spaced
        ("a", "about.html"),
        ("a", "./about.html#team"),                  # duplicate
        ("a", "HTTPS://WWW.DEMO.GOV.CN/about.html"),  # case: duplicate
        ("a", "http://www.demo.gov.cn/notice.html"),  # http -> https
        ("a", "/private/plan.html"),                 # robots.txt disallows
        ("a", "/go/old"),                            # 301 to the v4-only host
        ("a", "/loop/a"),                            # a redirect loop: dead
        ("a", "/go/private"),                        # redirect into robots
        ("a", "/missing.html"),                      # 404 on both: dead
        ("a", "http://www2.demo.gov.cn/about.html"),  # CNAME
        ("a", "http://v4.demo.gov.cn/"),             # A only
        ("a", "http://v6.demo.gov.cn/"),             # AAAA only
        ("a", "http://broken.demo.gov.cn/service.html"),  # AAAA refused
        ("a", "http://err.demo.gov.cn/data.html"),   # IPv6 answers 503
        ("a", "http://gone.demo.gov.cn/"),           # nothing listens
        ("a", "http://nosuch.demo.gov.cn/"),         # NXDOMAIN
        ("a", "http://中文.demo.gov.cn/"),            # IDN
        ("a", "http://old.demo.gov.cn/archive.html"),  # robots.txt 500
        ("area", "/map/east.html"),
        ("iframe", "/widget.html"),
        ("a", "https://www.demo.gov.cn:443/widget.html"),  # default port
        ("a", "\\files\\report.pdf"),                # backslashes
        ("a", "/con\ntact.html"),                    # newline in href
        ("a", "//cdn.outside.com.cn/lib/jquery.js"),  # protocol-relative
        ("a", "https://cdn.outside.com.cn/"),
        ("a", "http://legacy.partner.net.cn/"),
        ("a", "http://ipv6.partner.net.cn/"),
        ("a", "http://static.demo.gov.cn/app.js"),   # CNAME into a CDN, A only
        ("a", "http://www.nowhere.com.cn/"),         # external NXDOMAIN
        ("a", "http://www.demo.edu.cn/"),            # the other site
        ("a", "mailto:webmaster@demo.gov.cn"),
        ("a", "javascript:void(0)"),
        ("a", "JavaScript:void(0)"),                 # scheme case: duplicate
        ("a", "tel:+86-10-12345678"),
        ("a", "ftp://ftp.demo.gov.cn/pub/"),
    ]),
    "www.demo.gov.cn/news/": dict(base="https://www.demo.gov.cn/docs/", links=[
        ("a", "guide.html"),                         # base href: /docs/guide
        ("a", "../about.html"),                      # already level 2
        ("a", "/"),                                  # level 1
        ("a", "https://www.demo.gov.cn/news/"),      # itself, level 2
        ("a", "/private/minutes.html"),              # robots, level 3
        ("a", "http://cdn.outside.com.cn/img/logo.png"),
    ]),
    "www.demo.gov.cn/docs/guide.html": dict(links=[("a", "/docs/deep.html")]),
    "www.demo.gov.cn/about.html": dict(links=[
        ("a", "/news/"),
        ("a", "team.html"),
        ("a", "http://gone.demo.gov.cn/old/"),
        ("a", "http://v6.demo.gov.cn/contact.html"),
        ("a", "http://static.demo.gov.cn/banner.png"),  # CDN, level 3
    ]),
    "www.demo.gov.cn/team.html": dict(links=[("a", "/level4.html")]),
    "www.demo.gov.cn/notice.html": dict(links=[
        ("a", "notice-2024.html"),        # relative to the final (https) URL
        ("a", "mailto:notice@demo.gov.cn"),
    ]),
    "www.demo.gov.cn/notice-2024.html": dict(links=[]),
    "www.demo.gov.cn/private/plan.html": dict(links=[
        ("a", "/private/secret.html"),            # never read: robots
        ("a", "http://gone.demo.gov.cn/never.html"),
    ]),
    "www.demo.gov.cn/private/minutes.html": dict(links=[]),
    "www.demo.gov.cn/map/east.html": dict(links=[
        ("a", "/"),
        ("a", "/map/west.html"),
    ]),
    "www.demo.gov.cn/map/west.html": dict(links=[]),
    "www.demo.gov.cn/widget.html": dict(links=[
        ("a", "https://cdn.outside.com.cn/widget/frame.html"),
    ]),
    "www.demo.gov.cn/contact.html": dict(links=[
        ("a", "/"),
        ("a", "tel:+86-10-87654321"),
    ]),
    "www2.demo.gov.cn/about.html": dict(links=[
        ("a", "http://www2.demo.gov.cn/history.html"),
        ("a", "https://www.demo.gov.cn/about.html"),
    ]),
    "www2.demo.gov.cn/history.html": dict(links=[]),
    "v4.demo.gov.cn/": dict(links=[
        ("a", "/list.html"),
        ("a", "http://www.demo.gov.cn/"),
        ("a", "http://broken.demo.gov.cn/service.html"),
        ("a", "http://legacy.partner.net.cn/docs/"),
    ]),
    "v4.demo.gov.cn/list.html": dict(links=[("a", "/level4.html")]),
    "v6.demo.gov.cn/": dict(links=[
        ("a", "/v6news.html"),
        ("a", "http://v6.demo.gov.cn/contact.html"),
    ]),
    "v6.demo.gov.cn/v6news.html": dict(links=[]),
    "v6.demo.gov.cn/contact.html": dict(links=[]),
    "broken.demo.gov.cn/service.html": dict(links=[("a", "/form.html")]),
    "broken.demo.gov.cn/form.html": dict(links=[]),
    "err.demo.gov.cn/data.html": dict(links=[
        ("a", "/data2.html"),
        ("a", "http://err.demo.gov.cn/data.html"),
    ]),
    "err.demo.gov.cn/data2.html": dict(links=[]),
    "xn--fiq228c.demo.gov.cn/": dict(links=[("a", "/简介.html")]),
    "xn--fiq228c.demo.gov.cn/简介.html": dict(links=[]),
    "old.demo.gov.cn/archive.html": dict(links=[
        ("a", "/archive/2019.html"),              # never read: robots 500
    ]),
    "cdn.outside.com.cn/": dict(links=[
        ("a", "/ext-page.html"),                  # never read: external
    ]),
    "cdn.outside.com.cn/widget/frame.html": dict(links=[]),
    "legacy.partner.net.cn/": dict(links=[("a", "/legacy-more.html")]),
    "legacy.partner.net.cn/docs/": dict(links=[]),
    "ipv6.partner.net.cn/": dict(links=[("a", "/v6-more.html")]),
    # ---- site 2: http://www.demo.edu.cn/
    "www.demo.edu.cn/": dict(links=[
        ("a", "/"),
        ("a", "/gbk.html"),
        ("a", "http://lib.demo.edu.cn/"),
        ("a", "/research/"),
        ("a", "/index.html"),           # a different URL for the same page
        ("a", "http://nosuch.demo.edu.cn/"),
        ("a", "https://cdn.outside.com.cn/"),           # shared with site 1
        ("a", "http://www.demo.gov.cn/notice.html"),    # shared with site 1
        ("a", "http://legacy.partner.net.cn/"),
        ("a", "http://v6.demo.gov.cn/"),  # internal in site 1, external here
        ("a", "mailto:admin@demo.edu.cn"),
        ("a", "/nohead.html"),          # HEAD refused (405), GET works
    ]),
    "www.demo.edu.cn/nohead.html": dict(links=[]),
    "www.demo.edu.cn/gbk.html": dict(charset="gbk", links=[
        ("a", "/新闻/列表.html"),          # path: UTF-8 percent-encoded
        ("a", "/search?q=中文"),           # query: in the page's charset
        ("a", "http://lib.demo.edu.cn/"),
        ("a", "http://ipv6.partner.net.cn/"),
    ]),
    "www.demo.edu.cn/新闻/列表.html": dict(links=[]),
    "www.demo.edu.cn/search.html": dict(links=[("a", "/level4.html")]),
    "www.demo.edu.cn/research/": dict(links=[
        ("a", "lab.html"),
        ("a", "http://err.demo.gov.cn/data2.html"),
        ("a", "http://broken.demo.gov.cn/form.html"),
        ("a", "javascript:void(0)"),
    ]),
    "www.demo.edu.cn/research/lab.html": dict(links=[]),
    "lib.demo.edu.cn/": dict(links=[
        ("a", "/catalog.html"),
        ("a", "http://www.demo.edu.cn/research/"),
    ]),
    "lib.demo.edu.cn/catalog.html": dict(links=[]),
}

# Non-HTML files: "host/path" -> bytes. The PDF carries an <a href> that a
# crawler parsing non-HTML bodies would find.
FILES = {
    "www.demo.gov.cn/files/report.pdf":
        b"%PDF-1.4\n% <a href=\"/from-pdf.html\">not a link</a>\n%%EOF\n",
    "cdn.outside.com.cn/lib/jquery.js": b"/* jquery stand-in */\n",
    "cdn.outside.com.cn/img/logo.png": b"\x89PNG\r\n\x1a\n",
    "static.demo.gov.cn/app.js": b"/* app */\n",
    "static.demo.gov.cn/banner.png": b"\x89PNG\r\n\x1a\n",
}

# ---------------------------------------------------------------------------
# Trap pages (issue 3, "Charsets and extraction"): internal level-2 pages of
# the second site, each written as RAW HTML, so that what the crawler
# extracts is checked against what the HTML standard says a browser's HTML5
# parser builds, not against a parser the model would share with it.
#
# A raw page is a PAGES entry with
#   raw           the exact bytes nginx serves
#   links         [(tag, href)...]: the attribute values (after character
#                 references are decoded, as the tokenizer does) of a[href],
#                 area[href], iframe[src] and frame[src] in document order,
#                 WRITTEN BY HAND from the HTML standard, never computed
#   base          the first <base href> value, if any
#   charset       the document's encoding as a browser determines it (BOM,
#                 then HTTP charset, then <meta> prescan): the encoding of
#                 URL queries (WHATWG URL: query in the page's encoding,
#                 path always UTF-8)
#   content_type  optional: the Content-Type header nginx sends for it (a
#                 `location =` with `types {}` and default_type); the model
#                 still sees "text/html"
#
# Every trap changes the figures when mishandled: a link that exists only
# inside a comment, <script>, <style>, <noframes>, data-href, <form action>,
# <link>, <img> or text points to lib.demo.edu.cn/t/..., which would count
# as an internal dead link; each character-reference and charset trap has a
# twin href that gives the same URL when handled right, so a wrong decoding
# adds a link; a wrong base changes the link's host (the decoy base is an
# external host); whitespace or an unquoted value misread gives a path that
# 404s (or, for the trailing slash, one that exists).

TRAP_MARKUP = """<!DOCTYPE html>
<HTML LANG=zh-CN><HEAD><META CHARSET=UTF-8><TITLE>trap: markup</TITLE></HEAD>
<BODY>
<P><A HREF=/t/unquoted.html>unquoted</A>
<P><a href='/t/single.html' title='say "hi"'>single-quoted</a>
<P><A hReF = "/t/upper.html" >upper-case tag, spaces around =</A>
<P><a href="
\t /t/spaced.html 
 ">whitespace and newlines around the href</a>
<P><a href=" /t/new
line.html">a newline inside the href</a>
<P><a href=/t/slash.html/>unquoted value ending in a slash</a>
<P><MAP NAME=m><AREA SHAPE=rect COORDS=0,0,9,9 HREF='/t/area.html'></MAP>
<P><IFRAME SRC=/t/iframe.html></IFRAME>
<P><a class=x href=/t/last.html?a=1&amp;b=2 id=y>unquoted, with &amp;amp;</a>
<P><a href="/t/last.html?a=1&b=2">the same URL</a>
</BODY></HTML>
"""

TRAP_ENTITIES = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>trap: character references</title>
</head><body>
<a href="/t/ent.html?a=1&amp;b=2">&amp;amp;</a>
<a href="/t/ent.html?a=1&b=2">a bare &amp;: the same URL</a>
<a href="/t/ent.html?c=1&#38;d=2">&amp;#38;</a>
<a href="/t/ent.html?c=1&#x26;d=2">&amp;#x26;: the same URL</a>
<a href="/t/ent.html?c=1&d=2">bare: the same URL</a>
<a href="/t/ent.html?city=bj&region=east">&amp;region= is not &amp;reg</a>
<a href="/t/ent.html?city=bj&amp;region=east">the same URL</a>
<a href="/t/ent.html?a=1&not=2">&amp;not= is not &amp;not</a>
<a href="/t/ent.html?a=1&amp;not=2">the same URL</a>
<a href="/t/ent&#46;html">a numeric reference in the path</a>
<a href="/t/ent.html?sign=&copy">&amp;copy at the end of the value: IS
decoded</a>
<a href="/t/ent.html?sign=&copy;">the same URL</a>
</body></html>
"""

TRAP_BASE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<base target="_top">
<title>trap: base</title>
<base href="http://www.demo.edu.cn/t/based/">
<base href="http://ipv6.partner.net.cn/decoy/">
</head><body>
<a href="found.html">relative to the first base href</a>
<iframe src="found.html#frame"></iframe>
<a href="?page=2">query only, against the base</a>
</body></html>
"""

TRAP_FRAMES = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>trap: frameset</title></head>
<frameset rows="20%,*">
<frame src="/t/frame-top.html" name="top">
<frameset cols="30%,70%">
<FRAME SRC=/t/frame-left.html>
<frame src='/t/frame-main.html'>
</frameset>
<noframes><body><p>No frames:
<a href="http://lib.demo.edu.cn/t/noframes.html">here</a></p></body>
</noframes>
</frameset>
</html>
"""

TRAP_HIDDEN = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>trap: not links</title>
<link rel="alternate" href="http://lib.demo.edu.cn/t/link.html">
<style>
/* <a href="http://lib.demo.edu.cn/t/style.html">x</a> */
.x { background: url("http://lib.demo.edu.cn/t/style.png"); }
</style>
<script>
document.write('<a href="http://lib.demo.edu.cn/t/script.html">x</a>');
</script>
</head><body>
<!-- <a href="http://lib.demo.edu.cn/t/comment.html">the old menu</a> -->
<noframes><a href="http://lib.demo.edu.cn/t/noframes-body.html">x</a>
</noframes>
<div data-href="http://lib.demo.edu.cn/t/data-href.html">a card</div>
<a data-href="http://lib.demo.edu.cn/t/a-data-href.html"
   href="/t/visible.html">the one link</a>
<form action="http://lib.demo.edu.cn/t/form.html" method="get"><input name="q">
<button formaction="http://lib.demo.edu.cn/t/formaction.html">go</button>
</form>
<img src="http://lib.demo.edu.cn/t/img.png" alt="">
<p>Plain text: http://lib.demo.edu.cn/t/text.html and
&lt;a href="http://lib.demo.edu.cn/t/escaped.html"&gt;</p>
<textarea><a href="http://lib.demo.edu.cn/t/textarea.html">x</a></textarea>
</body></html>
"""

TRAP_BIG5 = """<!DOCTYPE html>
<html><head><meta charset="big5"><title>繁體公告</title></head><body>
<a href="/t/公告.html?q=臺灣&k=公告">公告</a>
<a href="/t/公告.html?q=%BBO%C6W&k=%A4%BD%A7i">the same URL, by hand</a>
</body></html>
"""

TRAP_GB18030 = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb18030">
<title>通知</title></head><body>
<a href="/t/通知.html?q=中文&n=𠮷">通知</a>
<a href="/t/通知.html?q=%D6%D0%CE%C4&n=%954%B25">the same URL, by hand</a>
</body></html>
"""

TRAP_HEADER_BIG5 = """<!DOCTYPE html>
<html><head><title>標題</title></head><body>
<a href="/t/標題.html?q=臺北">臺北</a>
<a href="/t/標題.html?q=%BBO%A5_">the same URL, escaped by hand</a>
</body></html>
"""

TRAP_HEADER_GBK = """<!DOCTYPE html>
<html><head><meta charset="big5"><title>简介</title></head><body>
<a href="/t/简介.html?q=中文">简介</a>
<a href="/t/简介.html?q=%D6%D0%CE%C4">the same URL, escaped by hand</a>
</body></html>
"""

TRAP_BOM = """<!DOCTYPE html>
<html><head><meta charset="gbk"><title>首页</title></head><body>
<a href="/t/首页.html?q=中文">首页</a>
<a href="/t/首页.html?q=%E4%B8%AD%E6%96%87">the same URL, escaped by hand</a>
</body></html>
"""

TRAP_PAGES = {
    "www.demo.edu.cn/trap/markup.html": dict(
        raw=TRAP_MARKUP.encode("utf-8"), links=[
            ("a", "/t/unquoted.html"),
            ("a", "/t/single.html"),
            ("a", "/t/upper.html"),
            ("a", "\n\t /t/spaced.html \n "),
            ("a", " /t/new\nline.html"),
            ("a", "/t/slash.html/"),      # 404: the slash is the value's
            ("area", "/t/area.html"),
            ("iframe", "/t/iframe.html"),
            ("a", "/t/last.html?a=1&b=2"),
            ("a", "/t/last.html?a=1&b=2"),
        ]),
    "www.demo.edu.cn/trap/entities.html": dict(
        raw=TRAP_ENTITIES.encode("utf-8"), links=[
            ("a", "/t/ent.html?a=1&b=2"),
            ("a", "/t/ent.html?a=1&b=2"),
            ("a", "/t/ent.html?c=1&d=2"),
            ("a", "/t/ent.html?c=1&d=2"),
            ("a", "/t/ent.html?c=1&d=2"),
            ("a", "/t/ent.html?city=bj&region=east"),
            ("a", "/t/ent.html?city=bj&region=east"),
            ("a", "/t/ent.html?a=1&not=2"),
            ("a", "/t/ent.html?a=1&not=2"),
            ("a", "/t/ent.html"),
            ("a", "/t/ent.html?sign=\u00a9"),
            ("a", "/t/ent.html?sign=\u00a9"),
        ]),
    "www.demo.edu.cn/trap/base.html": dict(
        raw=TRAP_BASE.encode("utf-8"),
        base="http://www.demo.edu.cn/t/based/", links=[
            ("a", "found.html"),
            ("iframe", "found.html#frame"),
            ("a", "?page=2"),
        ]),
    "www.demo.edu.cn/trap/frames.html": dict(
        raw=TRAP_FRAMES.encode("utf-8"), links=[
            ("frame", "/t/frame-top.html"),
            ("frame", "/t/frame-left.html"),
            ("frame", "/t/frame-main.html"),
        ]),
    "www.demo.edu.cn/trap/hidden.html": dict(
        raw=TRAP_HIDDEN.encode("utf-8"), links=[
            ("a", "/t/visible.html"),
        ]),
    "www.demo.edu.cn/trap/big5.html": dict(
        raw=TRAP_BIG5.encode("big5"), charset="big5", links=[
            ("a", "/t/公告.html?q=臺灣&k=公告"),
            ("a", "/t/公告.html?q=%BBO%C6W&k=%A4%BD%A7i"),
        ]),
    "www.demo.edu.cn/trap/gb18030.html": dict(
        raw=TRAP_GB18030.encode("gb18030"), charset="gb18030", links=[
            ("a", "/t/通知.html?q=中文&n=\U00020bb7"),
            ("a", "/t/通知.html?q=%D6%D0%CE%C4&n=%954%B25"),
        ]),
    # charset only in the HTTP header (no BOM, no meta): Big5, which the
    # "not UTF-8, so GB18030" fallback would misread
    "www.demo.edu.cn/trap/header-big5.html": dict(
        raw=TRAP_HEADER_BIG5.encode("big5"), charset="big5",
        content_type="text/html; charset=big5", links=[
            ("a", "/t/標題.html?q=臺北"),
            ("a", "/t/標題.html?q=%BBO%A5_"),
        ]),
    # the HTTP charset (gbk) beats a wrong <meta charset="big5">
    "www.demo.edu.cn/trap/header-gbk.html": dict(
        raw=TRAP_HEADER_GBK.encode("gbk"), charset="gbk",
        content_type="text/html; charset=gbk", links=[
            ("a", "/t/简介.html?q=中文"),
            ("a", "/t/简介.html?q=%D6%D0%CE%C4"),
        ]),
    # a UTF-8 BOM beats a wrong <meta charset="gbk">
    "www.demo.edu.cn/trap/bom.html": dict(
        raw=b"\xef\xbb\xbf" + TRAP_BOM.encode("utf-8"), charset="utf-8",
        links=[
            ("a", "/t/首页.html?q=中文"),
            ("a", "/t/首页.html?q=%E4%B8%AD%E6%96%87"),
        ]),
}
# Links a script builds: URL-like string literals in inline scripts and on*
# attributes. Not links (v6crawl reports how many a site's pages may hide),
# unless --script-links. /t/visible.html is also a real link of the site,
# so it is not among the hidden ones.
TRAP_SCRIPTS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>trap: script-built links</title>
<script>
var next = "/t/from-script.html";
var api = 'http://lib.demo.edu.cn/t/api.html';
var again = "/t/visible.html";
var text = "not a url", img = "/t/pic.png";
</script></head><body>
<button onclick="location.href='/t/onclick.html'">go</button>
<a href="/t/scripts-real.html">the one link</a>
</body></html>
"""
TRAP_PAGES["www.demo.edu.cn/trap/scripts.html"] = dict(
    raw=TRAP_SCRIPTS.encode("utf-8"),
    links=[("a", "/t/scripts-real.html")],
    scripts=["/t/from-script.html", "http://lib.demo.edu.cn/t/api.html",
             "/t/visible.html", "/t/onclick.html"])

PAGES["www.demo.edu.cn/"]["links"] += [
    ("a", "/" + key.split("/", 1)[1]) for key in TRAP_PAGES]
# Three plain pages more, so that one internal figure is an exact percentage
# (18/20 = 90.0%: the HTML report's "on the target passes" check uses it).
PAGES["www.demo.edu.cn/"]["links"] += [
    ("a", "/t/extra%d.html" % i) for i in (1, 2, 3)]
PAGES.update(TRAP_PAGES)
# The pages the traps link to (level 3: served, never read). /t/slash.html
# exists so that misreading href=/t/slash.html/ as /t/slash.html changes
# the class (the right URL, with its slash, is a 404).
for _p in ("unquoted", "single", "upper", "spaced", "newline", "slash",
           "area", "iframe", "last", "ent", "based/found", "frame-top",
           "frame-left", "frame-main", "visible", "公告", "通知", "標題",
           "简介", "首页", "scripts-real", "from-script", "onclick",
           "extra1", "extra2", "extra3"):
    PAGES["www.demo.edu.cn/t/%s.html" % _p] = dict(links=[])
PAGES["www.demo.edu.cn/t/based/"] = dict(links=[])

CTYPES = {"html": "text/html", "pdf": "application/pdf",
          "js": "application/javascript", "png": "image/png",
          "txt": "text/plain"}

CLASSES = ["ok", "v6-only", "no-aaaa", "v6-broken", "v6-error", "dead",
           "robots", "skipped", "unmeasured", "blocked"]


def host_addr(name, fam):
    """Address string of host @name (after CNAME) for family 4/6, or None."""
    h = HOSTS.get(name)
    if h is None:
        return None
    if h["cname"]:
        return host_addr(h["cname"], fam)
    if fam == 4:
        return V4 % h["n"] if h["a"] else None
    return V6 % h["n"] if h["aaaa"] else None


def served_by(name):
    h = HOSTS[name]
    return served_by(h["cname"]) if h["cname"] else name


def all_addresses():
    v4, v6 = [], []
    for h in HOSTS.values():
        if h["cname"]:
            continue
        v4.append(V4 % h["n"])
        v6.append(V6 % h["n"])
    return v4, v6

# ---------------------------------------------------------------------------
# Public suffix list (registrable domain) and URL resolution for the model.


_PSL = None


def _psl():
    global _PSL
    if _PSL is None:
        rules = set()
        with open(PSL_FILE, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("//"):
                    continue
                rule = line.split()[0]
                parts = []
                for lab in rule.split("."):
                    if lab in ("*",) or lab.startswith("!") or lab.isascii():
                        parts.append(lab.lower())
                    else:
                        parts.append(lab.encode("idna").decode())
                rules.add(".".join(parts))
        _PSL = rules
    return _PSL


def registrable_domain(host):
    """libpsl-like: the public suffix plus one label; the host itself when
    it is a suffix or an IP literal."""
    host = host.lower()
    if re.fullmatch(r"[0-9.]+", host) or ":" in host:
        return host
    rules = _psl()
    labels = host.split(".")
    suffix_len = 1
    for i in range(len(labels)):
        cand = ".".join(labels[i:])
        wild = ".".join(["*"] + labels[i + 1:])
        if "!" + cand in rules:
            suffix_len = len(labels) - i - 1
            break
        if cand in rules or wild in rules:
            suffix_len = len(labels) - i
            break
    if suffix_len >= len(labels):
        return host
    return ".".join(labels[-(suffix_len + 1):])


def in_domain(host, domain):
    return host == domain or host.endswith("." + domain)


_SAFE_PATH = "".join(chr(c) for c in range(0x21, 0x7f)
                     if chr(c) not in "\"#<>?`{}")
_SAFE_QUERY = "".join(chr(c) for c in range(0x21, 0x7f)
                      if chr(c) not in "\"#<>'")


def resolve(base, href, charset="utf-8"):
    """Resolve @href against @base as a browser does, for the hrefs this
    world uses (a subset of WHATWG URL): returns (url, is_http)."""
    href = href.strip(" \t\n\r\f")
    href = re.sub(r"[\t\n\r]", "", href)
    if href.startswith("#"):
        return href, False  # fragment-only: recorded as skipped
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", href)
    if m and m.group(1).lower() not in ("http", "https"):
        return m.group(1).lower() + href[len(m.group(1)):], False
    href = href.replace("\\", "/")
    u = urllib.parse.urlsplit(urllib.parse.urljoin(base, href))
    scheme = u.scheme.lower()
    host = u.hostname or ""
    labels = []
    for lab in host.split("."):
        labels.append(lab if lab.isascii() else lab.encode("idna").decode())
    host = ".".join(labels).lower()
    port = u.port
    netloc = host
    if port and port != {"http": 80, "https": 443}[scheme]:
        netloc += ":%d" % port
    path = urllib.parse.quote(u.path or "/", safe=_SAFE_PATH, encoding="utf-8")
    url = "%s://%s%s" % (scheme, netloc, path)
    if u.query:
        enc = "gb18030" if charset.lower() in ("gbk", "gb2312", "gb18030") \
            else charset
        url += "?" + urllib.parse.quote(u.query, safe=_SAFE_QUERY,
                                        encoding=enc)
    return url, True


# ---------------------------------------------------------------------------
# The model of the servers: what a request gets.


def listens(name, fam, port):
    h = HOSTS[served_by(name)]
    if host_addr(name, fam) is None:
        return False
    mode = h["v4"] if fam == 4 else h["v6"]
    if mode == "down":
        return False
    return port == 80 or (port == 443 and h["https"])


def respond(name, fam, scheme, path_query):
    """(status, location, content_type, page_key) as nginx answers it."""
    srv = served_by(name)
    h = HOSTS[srv]
    # A CNAME alias has its own server block with its own docroot, but the
    # address family behaviour of the target.
    own = HOSTS[name] if HOSTS[name]["cname"] is None else dict(
        HOSTS[srv], http="static", robots=None, robots_status=None)
    mode = h["v4"] if fam == 4 else h["v6"]
    path = path_query.split("?", 1)[0]
    if mode == "503" and path != "/robots.txt":
        return 503, None, "text/html", None
    if path == "/robots.txt":
        if own["robots_status"]:
            return own["robots_status"], None, "text/html", None
        if own["robots"] is not None:
            return 200, None, "text/plain", name + "/robots.txt"
        return 404, None, "text/html", None
    if scheme == "http" and own["http"] == "https-redirect":
        return 301, "https://%s%s" % (name, path_query), "text/html", None
    if (name, path) in REDIRECTS:
        return 301, REDIRECTS[(name, path)], "text/html", None
    if (name, path) in EXACT:
        path = EXACT[(name, path)]
    key = name + urllib.parse.unquote(path)
    if key.endswith("/index.html"):
        key = key[:-len("index.html")]
    if key in PAGES:
        return 200, None, "text/html", key
    if key in FILES:
        return 200, None, CTYPES[key.rsplit(".", 1)[1]], key
    return 404, None, "text/html", None


def model_probe(url, fam):
    """Follow at most 5 redirects over one family. Returns a dict: ok,
    status, final, ctype, key, why ('noaddr', 'refused', 'status' or None),
    hops (list of (status or error, url))."""
    hops = []
    for _ in range(6):
        u = urllib.parse.urlsplit(url)
        port = u.port or (443 if u.scheme == "https" else 80)
        if host_addr(u.hostname, fam) is None:
            hops.append(("noaddr", url))
            return dict(ok=False, status=0, final=url, ctype=None, key=None,
                        why="noaddr", hops=hops)
        if not listens(u.hostname, fam, port):
            hops.append(("refused", url))
            return dict(ok=False, status=0, final=url, ctype=None, key=None,
                        why="refused", hops=hops)
        pq = u.path + ("?" + u.query if u.query else "")
        status, loc, ctype, key = respond(u.hostname, fam, u.scheme, pq)
        hops.append((status, url))
        if 300 <= status < 400 and loc:
            url = urllib.parse.urljoin(url, loc)
            continue
        return dict(ok=status < 400, status=status, final=url, ctype=ctype,
                    key=key, why=None if status < 400 else "status",
                    hops=hops)
    return dict(ok=False, status=hops[-1][0], final=url, ctype=None, key=None,
                why="status", hops=hops)


def model_robots(origin_url):
    """Rules for the origin of @origin_url: None (allow all), 'all'
    (disallow all) or a list of disallowed path prefixes for user agent
    v6crawl (the world's robots files only use 'User-agent: *' groups with
    plain Disallow prefixes)."""
    u = urllib.parse.urlsplit(origin_url)
    robots_url = "%s://%s/robots.txt" % (u.scheme, u.netloc)
    for fam in (4, 6):
        r = model_probe(robots_url, fam)
        if r["status"] == 0:
            continue  # no address or no answer on this family
        if 200 <= r["status"] < 300:
            return robots_rules(PAGES_TEXT_ROBOTS(r["key"]))
        if 400 <= r["status"] < 500:
            return None
        if r["status"] >= 500:
            return "all"
    return None


def PAGES_TEXT_ROBOTS(key):
    host = key.split("/", 1)[0]
    return HOSTS[host]["robots"]


def robots_rules(text):
    rules, applies = [], False
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        k, v = [s.strip() for s in line.split(":", 1)]
        if k.lower() == "user-agent":
            applies = v == "*" or v.lower() == "v6crawl"
        elif k.lower() == "disallow" and applies and v:
            rules.append(v)
    return rules


def robots_allows(rules, url):
    if rules is None:
        return True
    if rules == "all":
        return False
    u = urllib.parse.urlsplit(url)
    pq = u.path + ("?" + u.query if u.query else "")
    return not any(pq.startswith(p) for p in rules)


def classify(url, is_http, robots_cache, probe_cache):
    if not is_http:
        return "skipped", None, None
    u = urllib.parse.urlsplit(url)
    origin = "%s://%s" % (u.scheme, u.netloc)
    if origin not in robots_cache:
        robots_cache[origin] = model_robots(url)
    if not robots_allows(robots_cache[origin], url):
        return "robots", None, None
    if url not in probe_cache:
        v6, v4 = model_probe(url, 6), model_probe(url, 4)
        # robots.txt is obeyed on redirect hops too: a hop it disallows
        # ends the probe there, and the link is "robots".
        hop_robots = False
        for pr in (v6, v4):
            for _, hop in pr["hops"][1:]:
                hu = urllib.parse.urlsplit(hop)
                ho = "%s://%s" % (hu.scheme, hu.netloc)
                if ho not in robots_cache:
                    robots_cache[ho] = model_robots(hop)
                if not robots_allows(robots_cache[ho], hop):
                    hop_robots = True
        if hop_robots:
            probe_cache[url] = ("robots", None, None)
            return probe_cache[url]
        if v6["ok"] and v4["ok"]:
            k = "ok"
        elif v6["ok"]:
            k = "v6-only"
        elif not v4["ok"]:
            k = "dead"
        elif v6["why"] == "noaddr":
            k = "no-aaaa"
        elif v6["why"] == "status":
            k = "v6-error"
        else:
            k = "v6-broken"
        probe_cache[url] = (k, v6, v4)
    return probe_cache[url]


def page_links(probe_v4, probe_v6):
    """Links of a fetched page: body from the IPv4 probe if it succeeded,
    else the IPv6 one; parsed only when 2xx HTML. Returns [(url, is_http)]
    in document order (duplicates kept)."""
    pr = probe_v4 if probe_v4["ok"] else probe_v6
    if not pr["ok"] or not (200 <= pr["status"] < 300):
        return []
    if pr["ctype"] != "text/html" or pr["key"] not in PAGES:
        return []
    page = PAGES[pr["key"]]
    base = pr["final"]
    if page.get("base"):
        base = resolve(base, page["base"])[0]
    cs = page.get("charset", "utf-8")
    return [resolve(base, href, cs) for _, href in page["links"]]


def page_scripts(probe_v4, probe_v6):
    """URL literals in the scripts of a page that is read (as page_links)."""
    pr = probe_v4 if probe_v4["ok"] else probe_v6
    if not pr["ok"] or not (200 <= pr["status"] < 300) or \
            pr["ctype"] != "text/html" or pr["key"] not in PAGES:
        return []
    return [resolve(pr["final"], u)[0]
            for u in PAGES[pr["key"]].get("scripts", [])]


def fig(links):
    f = dict(links=len(links), classes={c: 0 for c in CLASSES})
    for ln in links:
        f["classes"][ln["class"]] += 1
    c = f["classes"]
    counted = (f["links"] - c["robots"] - c["skipped"] - c["unmeasured"] -
               c["blocked"])
    ipv6 = c["ok"] + c["v6-only"]
    f["counted"] = counted
    f["ipv6"] = ipv6
    f["concentration"] = ipv6 / counted if counted else None
    alive = counted - c["dead"]
    f["alive_concentration"] = ipv6 / alive if alive else None
    return f


def expected(sites=None, depth=3, scope=None, script_links=False):
    """Simulate the crawl of @sites (default SITES) on the model and return
    the figures. @depth 2 or 3 (--depth); @scope a domain (--scope) instead
    of the registrable domain of the homepage's final URL."""
    robots_cache, probe_cache = {}, {}
    out = {"sites": []}
    for start in sites or SITES:
        start = resolve(start, start)[0]
        k, v6, v4 = classify(start, True, robots_cache, probe_cache)
        final = v4["final"] if v4["ok"] else v6["final"]
        domain = scope or \
            registrable_domain(urllib.parse.urlsplit(final).hostname)
        seen = {start: 1, final: 1}
        links = []

        def add(url, is_http, level):
            if url in seen:
                return None
            seen[url] = level
            host = urllib.parse.urlsplit(url).hostname if is_http else None
            internal = bool(is_http and in_domain(host, domain))
            klass, p6, p4 = classify(url, is_http, robots_cache, probe_cache)
            ln = dict(url=url, level=level, class_=klass,
                      scope="internal" if internal else "external")
            links.append(ln)
            return ln, p6, p4

        level2, scripts = [], set()

        def read(p4, p6):
            """The links of a page, then (--script-links) its script URLs;
            else the script URLs are only remembered."""
            out = list(page_links(p4, p6))
            if script_links:
                out += [(u, True) for u in page_scripts(p4, p6)]
            else:
                scripts.update(page_scripts(p4, p6))
            return out

        for url, is_http in read(v4, v6):
            r = add(url, is_http, 2)
            if r:
                level2.append(r)
        for ln, p6, p4 in level2:
            if depth < 3 or ln["scope"] != "internal" or p6 is None:
                continue
            for url, is_http in read(p4, p6):
                add(url, is_http, 3)
        for ln in links:
            ln["class"] = ln.pop("class_")
        levels = {}
        for lv in (2, 3):
            at = [ln for ln in links if ln["level"] == lv]
            levels[str(lv)] = {
                "internal": fig([ln for ln in at
                                 if ln["scope"] == "internal"]),
                "all": fig(at),
            }
        out["sites"].append({
            "start_url": start,
            "final_url": final,
            "scope_domain": domain,
            "homepage": {"ipv6": bool(v6["ok"]), "class": k},
            "levels": levels,
            "links": links,
            # Beyond the concentrations: the homepage asked 5 times over
            # IPv6 (the world never flaps, so all or none succeed), the
            # same page on both families, the zone's name servers, and how
            # many internal ok links carry timings on both families.
            "homepage_detail": {
                "aaaa": host_addr(urllib.parse.urlsplit(start).hostname,
                                  6) is not None,
                "v6_tries": 5, "v6_ok": 5 if v6["ok"] else 0,
                "consistent": True if v6["ok"] and v4["ok"] else None},
            "name_servers": dict(zip(("total", "ipv6"),
                                     expected_name_servers(domain))),
            "script_links": len(scripts - set(seen)),
            "delay_links": (k == "ok") + sum(
                1 for ln in links
                if ln["scope"] == "internal" and ln["class"] == "ok"),
        })
    return out

# ---------------------------------------------------------------------------
# Generation.


def page_html(key, page):
    if page.get("raw") is not None:
        return page["raw"]  # a trap page: served exactly as written
    title = "page " + key
    out = ["<!DOCTYPE html>", "<html><head>"]
    cs = page.get("charset", "utf-8")
    out.append('<meta charset="%s">' % cs)
    out.append("<title>%s</title>" % html.escape(title))
    if page.get("base"):
        out.append('<base href="%s">' % html.escape(page["base"]))
    out.append("</head><body>")
    out.append("<h1>%s</h1>" % html.escape("测试页面 " + key))
    out.append('<map name="m">')
    for i, (tag, href) in enumerate(page["links"]):
        if tag == "area":
            out.append('<area shape="rect" coords="0,0,10,10" href="%s">'
                       % html.escape(href))
    out.append("</map><ul>")
    for i, (tag, href) in enumerate(page["links"]):
        if tag == "a":
            out.append('<li><a href="%s">链接 %d</a></li>'
                       % (html.escape(href), i))
        elif tag == "iframe":
            out.append('<li><iframe src="%s"></iframe></li>'
                       % html.escape(href))
    out.append("</ul></body></html>\n")
    return "\n".join(out).encode(cs)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def gen_files(d):
    www = os.path.join(d, "www")
    for key, page in PAGES.items():
        host, path = key.split("/", 1)
        if path == "" or path.endswith("/"):
            path += "index.html"
        write(os.path.join(www, host, path), page_html(key, page))
    for key, data in FILES.items():
        host, path = key.split("/", 1)
        write(os.path.join(www, host, path), data)
    for name, h in HOSTS.items():
        if h["robots"] is not None:
            write(os.path.join(www, name, "robots.txt"), h["robots"])
        os.makedirs(os.path.join(www, name), exist_ok=True)


def gen_certs(d):
    names = sorted(n for n, h in HOSTS.items() if h["https"])
    ca_key, ca = os.path.join(d, "ca.key"), os.path.join(d, "ca.pem")
    key, csr = os.path.join(d, "server.key"), os.path.join(d, "server.csr")
    crt, ext = os.path.join(d, "server.pem"), os.path.join(d, "san.ext")
    if os.path.exists(crt):
        return

    def ossl(*args):
        subprocess.run(["openssl"] + list(args), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key,
         "-out", ca, "-days", "3650", "-subj", "/CN=v6crawl test world CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
         "-subj", "/CN=" + names[0])
    write(ext, "basicConstraints=CA:FALSE\n"
               "keyUsage=digitalSignature,keyEncipherment\n"
               "extendedKeyUsage=serverAuth\n"
               "subjectAltName=" + ",".join("DNS:" + n for n in names) + "\n")
    ossl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
         "-CAcreateserial", "-out", crt, "-days", "3650", "-sha256",
         "-extfile", ext)


def gen_nginx(d, ipv6=True):
    www = os.path.join(d, "www")
    tmp = os.path.join(d, "tmp")
    os.makedirs(tmp, exist_ok=True)
    conf = []
    if os.geteuid() == 0:
        conf.append("user root root;")
    conf += [
        "master_process off;",   # no worker user switch (user namespaces)
        "daemon on;",
        "pid %s/nginx.pid;" % d,
        "error_log %s/error.log info;" % d,
        "events { worker_connections 512; }",
        "http {",
        "  types { %s }" % " ".join("%s %s;" % (t, e)
                                     for e, t in CTYPES.items()),
        "  default_type application/octet-stream;",
        "  charset off; server_tokens off; keepalive_timeout 5;",
        "  log_format world '$scheme $host $server_addr $server_port "
        "\"$request\" $status';",
        "  access_log %s/access.log world;" % d,
        "  client_body_temp_path %s/body;" % tmp,
        "  proxy_temp_path %s/proxy;" % tmp,
        "  fastcgi_temp_path %s/fastcgi;" % tmp,
        "  uwsgi_temp_path %s/uwsgi;" % tmp,
        "  scgi_temp_path %s/scgi;" % tmp,
        "  ssl_certificate %s/server.pem;" % d,
        "  ssl_certificate_key %s/server.key;" % d,
    ]
    # Server blocks: the real hosts first (default_server for their
    # addresses), then CNAME aliases sharing the target's addresses.
    order = [n for n, h in HOSTS.items() if not h["cname"]] + \
        [n for n, h in HOSTS.items() if h["cname"]]
    for name in order:
        srv = served_by(name)
        h = HOSTS[srv]
        own = HOSTS[name]
        for fam in (4, 6):
            addr = host_addr(srv, fam)
            mode = h["v4"] if fam == 4 else h["v6"]
            if addr is None or mode == "down" or (fam == 6 and not ipv6):
                continue
            ports = [80] + ([443] if h["https"] and not own["cname"] else [])
            for port in ports:
                la = addr if fam == 4 else "[%s]" % addr
                dflt = "" if own["cname"] else " default_server"
                ssl = " ssl" if port == 443 else ""
                conf.append("  server {")
                conf.append("    listen %s:%d%s%s;" % (la, port, ssl, dflt))
                conf.append("    server_name %s;" % name)
                conf.append("    root %s/%s;" % (www, name))
                conf.append("    index index.html;")
                if mode == "503":
                    conf.append("    location / { return 503; }")
                    conf.append("    location = /robots.txt { }")
                    conf.append("  }")
                    continue
                if own["robots_status"]:
                    conf.append("    location = /robots.txt { return %d; }"
                                % own["robots_status"])
                else:
                    conf.append("    location = /robots.txt { }")
                if port == 80 and own["http"] == "https-redirect":
                    conf.append("    location / { return 301 "
                                "https://$host$request_uri; }")
                    conf.append("  }")
                    continue
                for (rh, rp), loc in REDIRECTS.items():
                    if rh == name:
                        conf.append("    location = %s { return 301 %s; }"
                                    % (rp, loc))
                for (nh, np) in sorted(NOHEAD):
                    if nh == name:
                        conf.append("    location = %s { if ($request_method "
                                    "= HEAD) { return 405; } }" % np)
                for key, page in PAGES.items():
                    ph, pp = key.split("/", 1)
                    if ph == name and page.get("content_type"):
                        conf.append("    location = /%s { types { } "
                                    "default_type \"%s\"; }"
                                    % (pp, page["content_type"]))
                for (eh, ep), f in EXACT.items():
                    if eh == name:
                        conf.append("    location = %s { default_type "
                                    "text/html; try_files %s =404; }"
                                    % (ep, f))
                conf.append("  }")
    conf.append("}")
    write(os.path.join(d, "nginx.conf"), "\n".join(conf) + "\n")


def dnsmasq_args(d):
    args = ["dnsmasq", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
            "--port=%d" % DNS_PORT, "--listen-address=" + DNS_IP,
            "--bind-interfaces", "--user=root", "--group=",
            "--pid-file=%s/dnsmasq.pid" % d, "--local=/#/",
            "--no-negcache", "--log-queries",
            "--log-facility=%s/dnsmasq.log" % d]
    for name, h in HOSTS.items():
        if h["cname"]:
            args.append("--cname=%s,%s" % (name, h["cname"]))
            continue
        rec = [name]
        if h["a"]:
            rec.append(V4 % h["n"])
        if h["aaaa"]:
            rec.append(V6 % h["n"])
        args.append("--host-record=" + ",".join(rec))
    # Name servers of the zones (NS records as raw RRs; the NS hosts only
    # need addresses, nothing listens on them).
    for zone, servers in sorted(NAME_SERVERS.items()):
        for ns, a, aaaa in servers:
            args.append("--dns-rr=%s,2,%s" % (zone, dns_name_hex(ns)))
            args.append("--host-record=" + ",".join(
                [ns] + [x for x in (a, aaaa) if x]))
    return args


def dns_name_hex(name):
    """A name in DNS wire format, as hex (for dnsmasq --dns-rr)."""
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return (out + b"\0").hex()


def expected_name_servers(scope):
    """(total, answering over IPv6) for the site whose scope is @scope:
    the NS of the closest enclosing zone (as v6crawl walks up from the
    host); none of the world's answers over IPv6 (see NAME_SERVERS)."""
    zone = scope
    while zone.count(".") >= 1:
        if zone in NAME_SERVERS:
            return len(NAME_SERVERS[zone]), 0
        zone = zone.split(".", 1)[1]
        if zone.count(".") < 1:
            break
    return 0, 0

# ---------------------------------------------------------------------------
# A small DNS client (for the waits and the self-check).


def dns_query(name, qtype, server=(DNS_IP, DNS_PORT), timeout=1.0):
    """Returns (rcode, [(type, value)...]); type 1 A, 28 AAAA, 5 CNAME."""
    qid = os.getpid() & 0xffff
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for lab in name.rstrip(".").split("."):
        q += bytes([len(lab)]) + lab.encode()
    q += b"\0" + struct.pack(">HH", qtype, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(q, server)
        r, _ = s.recvfrom(4096)
    finally:
        s.close()

    def rname(off):
        labels, jumped, end = [], False, off
        while True:
            ln = r[off]
            if ln & 0xc0 == 0xc0:
                if not jumped:
                    end = off + 2
                off, jumped = struct.unpack(">H", r[off:off + 2])[0] & 0x3fff, True
                continue
            off += 1
            if ln == 0:
                break
            labels.append(r[off:off + ln].decode())
            off += ln
        return ".".join(labels), (end if jumped else off)

    rid, flags, qd, an, _, _ = struct.unpack(">HHHHHH", r[:12])
    off = 12
    for _ in range(qd):
        _, off = rname(off)
        off += 4
    answers = []
    for _ in range(an):
        _, off = rname(off)
        t, _, _, rdlen = struct.unpack(">HHIH", r[off:off + 10])
        off += 10
        rd = r[off:off + rdlen]
        if t == 1:
            answers.append((1, socket.inet_ntop(socket.AF_INET, rd)))
        elif t == 28:
            answers.append((28, socket.inet_ntop(socket.AF_INET6, rd)))
        elif t == 5:
            answers.append((5, rname(off)[0]))
        off += rdlen
    return flags & 0xf, answers

# ---------------------------------------------------------------------------
# up / down


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def cmd_up(d, ipv6=True):
    d = os.path.abspath(d)
    os.makedirs(d, exist_ok=True)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    if ipv6:
        for a in all_addresses()[1]:
            r = subprocess.run(["ip", "-6", "addr", "add", a + "/128", "dev",
                                "lo", "nodad"], capture_output=True, text=True)
            if r.returncode != 0 and "exists" not in r.stderr:
                sys.exit("world: ip -6 addr add %s: %s" % (a, r.stderr.strip()))
    gen_files(d)
    gen_certs(d)
    gen_nginx(d, ipv6)
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected(), f, indent=1, ensure_ascii=False)
    with open(os.path.join(d, "sites.txt"), "w") as f:
        f.write("\n".join(SITES) + "\n")
    r = subprocess.run(dnsmasq_args(d), capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("world: dnsmasq failed: " + r.stderr.strip())
    r = subprocess.run(["nginx", "-p", d, "-c", os.path.join(d, "nginx.conf"),
                        "-e", os.path.join(d, "error.log")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        cmd_down(d)
        sys.exit("world: nginx failed: " + r.stderr.strip())
    deadline = time.time() + 10
    while True:
        try:
            dns_ok = dns_query("www.demo.gov.cn", 1, timeout=0.3)[0] == 0
        except OSError:
            dns_ok = False
        try:
            socket.create_connection((V4 % 2, 80), timeout=0.3).close()
            web_ok = True
        except OSError:
            web_ok = False
        if dns_ok and web_ok:
            break
        if time.time() > deadline:
            cmd_down(d)
            sys.exit("world: servers did not come up (dns %s, nginx %s)"
                     % (dns_ok, web_ok))
        time.sleep(0.05)


def cmd_down(d):
    for name in ("nginx.pid", "dnsmasq.pid"):
        pid = read_pid(os.path.join(d, name))
        if pid is None or not alive(pid):
            continue
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not alive(pid):
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)

# ---------------------------------------------------------------------------
# check: the real world against the model.


def real_resolve(name, fam):
    """Address for @name over the world's DNS for family 4/6, or None;
    follows the CNAME in the answer."""
    rcode, ans = dns_query(name, 1 if fam == 4 else 28)
    want = 1 if fam == 4 else 28
    addrs = [v for t, v in ans if t == want]
    return addrs[0] if addrs else None


def curl(d, url, fam):
    """One request without following redirects. (status or error, location,
    content_type, body)."""
    u = urllib.parse.urlsplit(url)
    port = u.port or (443 if u.scheme == "https" else 80)
    addr = real_resolve(u.hostname, fam)
    if addr is None:
        return "noaddr", None, None, b""
    ra = addr if fam == 4 else "[%s]" % addr
    body = os.path.join(d, "check.body")
    r = subprocess.run(
        ["curl", "-sS", "-%d" % fam, "--max-time", "3", "--cacert",
         os.path.join(d, "ca.pem"), "--resolve",
         "%s:%d:%s" % (u.hostname, port, ra), "-o", body, "-D", "-",
         "-w", "\n%{http_code}", url], capture_output=True)
    if r.returncode != 0:
        err = r.stderr.decode(errors="replace").strip()
        return ("refused" if r.returncode == 7 else "error: " + err), \
            None, None, b""
    lines = r.stdout.decode("latin-1").splitlines()
    status = int(lines[-1])
    loc = ctype = None
    for ln in lines[:-1]:
        if ln.lower().startswith("location:"):
            loc = ln.split(":", 1)[1].strip()
        if ln.lower().startswith("content-type:"):
            ctype = ln.split(":", 1)[1].strip()
    with open(body, "rb") as f:
        data = f.read()
    return status, loc, ctype, data


def real_probe(d, url, fam):
    hops = []
    for _ in range(6):
        status, loc, ctype, body = curl(d, url, fam)
        hops.append((status, url))
        if not isinstance(status, int):
            return dict(ok=False, status=0, why="noaddr" if status == "noaddr"
                        else "refused", hops=hops, ctype=None, body=b"",
                        final=url)
        if 300 <= status < 400 and loc:
            url = urllib.parse.urljoin(url, loc)
            continue
        return dict(ok=status < 400, status=status, hops=hops, ctype=ctype,
                    body=body, final=url,
                    why=None if status < 400 else "status")
    return dict(ok=False, status=hops[-1][0], why="status", hops=hops,
                ctype=None, body=b"", final=url)


def cmd_check(d):
    d = os.path.abspath(d)
    results = []

    def check(name, cond, detail=""):
        results.append(cond)
        print(("ok - %s" % name) if cond else
              ("not ok - %s: %s" % (name, detail)))

    # DNS: every record as the model says, NODATA for the missing family,
    # NXDOMAIN for names the world does not have.
    for name, h in HOSTS.items():
        for fam, qt in ((4, 1), (6, 28)):
            try:
                rcode, ans = dns_query(name, qt)
            except OSError as e:
                check("dns %s %s" % (name, qt), False, str(e))
                continue
            want = host_addr(name, fam)
            got = [v for t, v in ans if t == qt]
            cn = [v for t, v in ans if t == 5]
            ok = rcode == 0 and got == ([want] if want else [])
            if h["cname"]:
                ok = ok and cn == [h["cname"]]
            check("dns %s %s -> %s%s" % ("AAAA" if fam == 6 else "A", name,
                                         want or "NODATA",
                                         " via CNAME" if h["cname"] else ""),
                  ok, "rcode %d answers %r" % (rcode, ans))
    for name in ("nosuch.demo.gov.cn", "nosuch.demo.edu.cn",
                 "www.nowhere.com.cn"):
        for qt in (1, 28):
            rcode, ans = dns_query(name, qt)
            check("dns %s type %d NXDOMAIN" % (name, qt),
                  rcode == 3 and not ans, "rcode %d %r" % (rcode, ans))

    # Every URL the model knows (links at every level, pages that must not
    # be read included): real probes on both families give the model's
    # class, statuses and, for pages, the model's content type.
    urls = set(resolve(s, s)[0] for s in SITES)
    for key, page in PAGES.items():
        host, path = key.split("/", 1)
        base = "https://" if HOSTS[served_by(host)]["https"] and \
            HOSTS[host]["cname"] is None else "http://"
        base = resolve(base + host + "/", "/" + path)[0]
        if page.get("base"):
            base = resolve(base, page["base"])[0]
        for _, href in page["links"]:
            url, is_http = resolve(base, href, page.get("charset", "utf-8"))
            if is_http:
                urls.add(url)
    robots_real = {}
    for url in sorted(urls):
        mk, m6, m4 = classify(url, True, {}, {})
        if mk == "robots":
            u = urllib.parse.urlsplit(url)
            if (u.hostname, u.path) in REDIRECTS:
                # robots by a redirect hop: the hop's URL is the one
                # robots.txt must disallow
                url = REDIRECTS[(u.hostname, u.path)]
                u = urllib.parse.urlsplit(url)
            origin = "%s://%s" % (u.scheme, u.netloc)
            if origin not in robots_real:
                st = None
                for fam in (4, 6):
                    rp = real_probe(d, origin + "/robots.txt", fam)
                    if rp["status"]:
                        st = (rp["status"], rp["body"])
                        break
                robots_real[origin] = st
            st = robots_real[origin]
            if st and st[0] >= 500:
                okr = True
            elif st and st[0] == 200:
                okr = not robots_allows(robots_rules(st[1].decode()), url)
            else:
                okr = False
            check("robots %s disallowed" % url, okr, "robots.txt %r" % (st,))
            continue
        r6, r4 = real_probe(d, url, 6), real_probe(d, url, 4)
        if r6["ok"] and r4["ok"]:
            rk = "ok"
        elif r6["ok"]:
            rk = "v6-only"
        elif not r4["ok"]:
            rk = "dead"
        elif any(s == "noaddr" for s, _ in r6["hops"]):
            rk = "no-aaaa"
        elif r6["why"] == "status":
            rk = "v6-error"
        else:
            rk = "v6-broken"
        detail = "real %s (v6 %r, v4 %r), model %s (v6 %r, v4 %r)" % (
            rk, r6["hops"], r4["hops"], mk, m6["hops"], m4["hops"])
        same = rk == mk and [s for s, _ in r6["hops"]] == \
            [s for s, _ in m6["hops"]] and \
            [s for s, _ in r4["hops"]] == [s for s, _ in m4["hops"]]
        for rp, mp in ((r4, m4), (r6, m6)):
            if rp["ok"] and 200 <= rp["status"] < 300:
                ct = (rp["ctype"] or "").split(";")[0]
                same = same and ct == mp["ctype"] and rp["final"] == mp["final"]
        check("%s %s" % (mk, url), same, detail)

    # The GBK page: no charset in the header, GBK bytes with a meta charset.
    st, _, ctype, body = curl(d, "http://www.demo.edu.cn/gbk.html", 4)
    check("gbk page served as GBK without a header charset",
          st == 200 and ctype == "text/html" and b'charset="gbk"' in body
          and "/新闻/列表.html".encode("gbk") in body,
          "status %r ctype %r" % (st, ctype))
    # Trap pages: the charset only in the HTTP header, and the BOM page.
    for key, page in PAGES.items():
        if page.get("raw") is None:
            continue
        st, _, ctype, body = curl(d, "http://" + key, 4)
        want = page.get("content_type") or "text/html"
        check("trap page %s served as written, Content-Type %s" % (key, want),
              st == 200 and ctype == want and body == page["raw"],
              "status %r ctype %r" % (st, ctype))
    # IPv6 of the 503 host still serves robots.txt (404: allow).
    st = curl(d, "http://err.demo.gov.cn/robots.txt", 6)[0]
    check("err.demo.gov.cn robots.txt over IPv6 is not 503", st == 404,
          "status %r" % (st,))
    passed = sum(1 for r in results if r)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    if cmd == "up" and len(argv) >= 3:
        cmd_up(argv[2], ipv6="--no-ipv6" not in argv[3:])
        return 0
    if cmd == "down" and len(argv) == 3:
        cmd_down(argv[2])
        return 0
    if cmd == "check" and len(argv) == 3:
        return cmd_check(argv[2])
    if cmd == "expected":
        json.dump(expected(), sys.stdout, indent=1, ensure_ascii=False)
        print()
        return 0
    if cmd == "sites":
        print("\n".join(SITES))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
