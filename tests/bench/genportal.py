#!/usr/bin/python3
"""Generate the synthetic portal used by tests/bench/bench.sh.

Writes into OUT (stdlib only, deterministic for a given --seed):

  site/int/            document root shared by every internal *.bench.gov.cn host
    index.html         the homepage (level 1), on www.bench.gov.cn
    col/colN/index.html  the level-2 column pages (~100 links, 20-60 KB each)
    _tpl/article.html  served for every /art/, /private/ and index_K.html URL
    _tpl/attach.pdf    served for every /attach/ URL
    robots.txt         served on www only (Disallow: /private/)
  site/ext/_tpl/ext.html  the page every external host answers with
  nginx.conf           complete nginx configuration (run with nginx -p OUT/nginx)
  dnsmasq.args         one --host-record=... per line
  hosts                /etc/hosts-style file (for wget2, which has no DNS-server option)
  resolve.args         host:80:addr[,addr] (curl --resolve), one per host
  urls.txt             every distinct http(s) link a depth-3 crawl probes (levels 1..3),
                       i.e. all of them but skipped and robots-disallowed ones
  expected.json        links per level, per class, per scope; concentrations

Host classes (all on loopback inside the bench's network namespace):
  dual      A + AAAA, nginx answers on both           -> links are "ok"
  v4only    A only                                   -> "no-aaaa"
  v6refused A + AAAA, nothing listens on the IPv6 one -> "v6-broken"
Paths: /gone/ answers 404 everywhere ("dead"); /private/ is disallowed by
www's robots.txt ("robots"); /r/X redirects (301) to /art/X on the same host;
/go/N (www) redirects to old.bench.gov.cn, an IPv4-only host ("no-aaaa").
"""
import argparse
import json
import os
import random
import sys
from urllib.parse import urljoin, urlsplit

DOMAIN = "bench.gov.cn"
WWW = "www." + DOMAIN
V6PREFIX = "fd6c:7763::"

# name, class, internal, last octet / hextet
HOSTS = [
    (WWW, "dual", True, 2),
    ("news." + DOMAIN, "dual", True, 3),
    ("zwgk." + DOMAIN, "dual", True, 4),
    ("data." + DOMAIN, "dual", True, 5),
    ("old." + DOMAIN, "v4only", True, 6),
    ("v6x." + DOMAIN, "v6refused", True, 7),
    ("www.gov.cn", "dual", False, 8),
    ("www.ext-a.com.cn", "dual", False, 9),
    ("www.ext-b.org.cn", "v4only", False, 10),
    ("beian.miit.gov.cn", "dual", False, 11),
]
HOSTINFO = {h[0]: h for h in HOSTS}
EXTERNAL = [h[0] for h in HOSTS if not h[2] and h[0] != "beian.miit.gov.cn"]

CLASS_OF_HOST = {"dual": "ok", "v4only": "no-aaaa", "v6refused": "v6-broken"}
CLASSES = ["ok", "v6-only", "no-aaaa", "v6-broken", "v6-error", "dead", "robots"]

HANZI = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
         "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
         "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
         "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
         "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
         "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
         "几九区强放决西被干做必战先回则任取据处府研质务服县镇街办局厅委监督审批公示通知")
PUNCT = "，。、；："


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def text(self, n):
        r = self.r
        out = []
        for i in range(n):
            out.append(r.choice(HANZI))
            if i and r.random() < 0.07:
                out.append(r.choice(PUNCT))
        return "".join(out)

    def date(self):
        r = self.r
        return "%d-%02d-%02d" % (r.choice((2022, 2023, 2024)), r.randint(1, 12), r.randint(1, 28))


def host_url(host, path):
    return "http://%s%s" % (host, path)


def href_for(page_host, url):
    """How a page refers to url: relative when same host, absolute otherwise."""
    u = urlsplit(url)
    if u.scheme in ("http", "https") and u.netloc == page_host:
        return u.path + (("?" + u.query) if u.query else "")
    return url


HEAD = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s</title>
<link rel="stylesheet" href="/css/main.css">
<link rel="icon" href="/favicon.ico">
<script src="/js/jquery-1.12.4.min.js"></script>
<script>var _hmt = _hmt || []; var siteId = "%d"; function goTop(){window.scrollTo(0,0);}</script>
</head>
<body>
<div class="topbar"><a href="#top" name="top">返回顶部</a> <a href="javascript:void(0)" onclick="goTop()">无障碍浏览</a> <a href="javascript:window.print()">打印本页</a></div>
"""


def nav_html(page_host, nav_urls, g):
    parts = ['<div class="header"><div class="logo"><a href="%s"><img src="/images/logo.png" alt="%s"></a></div>'
             % (href_for(page_host, host_url(WWW, "/")), "中国某某市人民政府门户网站"),
             '<ul class="nav">',
             '<li><a href="%s">首页</a></li>' % href_for(page_host, host_url(WWW, "/"))]
    for u, title in nav_urls:
        parts.append('<li class="nav-item"><a href="%s" target="_self">%s</a></li>' % (href_for(page_host, u), title))
    parts.append("</ul></div>\n")
    return "\n".join(parts)


def footer_html(page_host, footer_urls, g):
    parts = ['<div class="footer"><ul class="flinks">']
    for u, title in footer_urls:
        parts.append('<li><a href="%s">%s</a></li>' % (href_for(page_host, u), title))
    parts.append('<li><a href="mailto:webmaster@%s">联系我们</a></li>' % DOMAIN)
    parts.append('<li><a href="tel:+86-10-12345678">值班电话</a></li>')
    parts.append('<li><a href="http://www.gov.cn/">中国政府网</a></li>')
    parts.append("</ul>")
    parts.append('<p>主办：某某市人民政府办公厅 承办：某某市大数据中心 网站标识码：1100000001 '
                 '<a href="http://beian.miit.gov.cn/" rel="noreferrer">京ICP备00000000号</a></p>')
    parts.append('<p class="note">%s</p></div>\n<script src="/js/common.js"></script>\n</body>\n</html>\n' % g.text(60))
    return "\n".join(parts)


def build(args):
    g = Gen(args.seed)
    r = g.r
    out = os.path.abspath(args.out)
    introot = os.path.join(out, "site", "int")
    extroot = os.path.join(out, "site", "ext")
    for d in (introot, extroot, os.path.join(introot, "_tpl"), os.path.join(extroot, "_tpl")):
        os.makedirs(d, exist_ok=True)

    ncols = args.cols
    # where the level-2 column pages live: mostly www, some on subdomains,
    # a few on the IPv4-only host and on the host whose IPv6 is refused.
    col_host = {}
    hosts_cycle = ([WWW] * 80 + ["news." + DOMAIN] * 7 + ["zwgk." + DOMAIN] * 5 +
                   ["data." + DOMAIN] * 3 + ["old." + DOMAIN] * 3 + ["v6x." + DOMAIN] * 2)
    for c in range(1, ncols + 1):
        col_host[c] = WWW if c <= args.nav else hosts_cycle[(c * 37) % len(hosts_cycle)]
    col_url = {c: host_url(col_host[c], "/col/col%d/index.html" % (1000 + c)) for c in col_host}
    col_title = {c: g.text(r.randint(4, 8)) for c in col_host}
    nav_urls = [(col_url[c], col_title[c]) for c in range(1, min(args.nav, ncols) + 1)]
    footer_urls = [(host_url(WWW, "/about/%s.html" % n), t) for n, t in
                   (("sitemap", "网站地图"), ("contact", "联系我们"), ("privacy", "隐私声明"),
                    ("help", "使用帮助"), ("accessibility", "无障碍说明"))]
    # a pool of "hot" articles shared between the sidebars of all column pages
    hot_pool = []
    for i in range(args.hot):
        h = WWW if i % 10 else "news." + DOMAIN
        hot_pool.append((host_url(h, "/art/hot/art_%d.html" % (500000 + i)), g.text(r.randint(10, 22))))

    pages = {}  # url -> list of raw hrefs (as written); the page's own URL is the base

    # ---- shared templates -------------------------------------------------
    art = [HEAD % ("政务动态 - 某某市人民政府", 1), nav_html("", nav_urls, g)]
    art.append('<div class="article"><h1>%s</h1><div class="info">发布时间：%s 来源：市政府办公厅</div>'
               % (g.text(18), g.date()))
    while sum(len(x.encode()) for x in art) < 22000:
        art.append("<p>%s</p>" % g.text(r.randint(80, 200)))
    art.append('</div><div class="share"><a href="javascript:void(0)">分享到微信</a></div>')
    art.append(footer_html("", [], g).replace("</ul>", "</ul>", 1))
    article_html = "\n".join(art)
    # the template is served on every internal host; all its links must be
    # absolute to level-1/2 URLs so that no crawler finds new links in it.
    with open(os.path.join(introot, "_tpl", "article.html"), "w", encoding="utf-8") as f:
        f.write(article_html)
    with open(os.path.join(introot, "_tpl", "attach.pdf"), "wb") as f:
        f.write(b"%PDF-1.4\n" + bytes(r.getrandbits(8) for _ in range(30000)) + b"\n%%EOF\n")
    with open(os.path.join(extroot, "_tpl", "ext.html"), "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>ext</title></head>"
                "<body><h1>%s</h1><p>%s</p></body></html>\n" % (g.text(10), g.text(400)))
    with open(os.path.join(introot, "robots.txt"), "w") as f:
        f.write("User-agent: *\nDisallow: /private/\n\nSitemap: http://%s/about/sitemap.html\n" % WWW)

    # ---- column pages (level 2) -------------------------------------------
    art_seq = 0
    for c in range(1, ncols + 1):
        host = col_host[c]
        cid = 1000 + c
        body = [HEAD % (col_title[c] + " - 某某市人民政府", cid), nav_html(host, nav_urls, g)]
        body.append('<div class="crumb">当前位置：<a href="%s">首页</a> &gt; <a href="%s">%s</a></div>'
                    % (href_for(host, host_url(WWW, "/")), href_for(host, col_url[c]), col_title[c]))
        body.append('<div class="main"><div class="intro"><p>%s</p></div><ul class="list">' % g.text(r.randint(80, 200)))
        for i in range(args.per_col):
            art_seq += 1
            x = r.random()
            d = g.date()
            y, m, dd = d.split("-")
            name = "art_%d_%d.html" % (cid, art_seq)
            if x < 0.05:
                u = host_url(host, "/attach/%s/%s/P0%d.pdf" % (y, m, art_seq))
            elif x < 0.08 and host == WWW:
                u = host_url(host, "/r/%s/%s/%s" % (y, m, name))
            elif x < 0.10:
                u = host_url(host, "/gone/%s/%s" % (y, name))
            elif x < 0.12:
                u = host_url(r.choice(EXTERNAL), "/content/%d/%s" % (cid, name))
            elif x < 0.13 and host == WWW:
                u = host_url(host, "/go/%d" % art_seq)
            elif x < 0.14 and host == WWW:
                u = host_url(host, "/private/%s" % name)
            elif x < 0.16 and host == WWW:
                # an article published on a subdomain
                u = host_url(r.choice(["news.", "zwgk.", "data.", "old.", "v6x."]) + DOMAIN,
                             "/art/%s/%s/%s/%s" % (y, m, dd, name))
            else:
                u = host_url(host, "/art/%s/%s/%s/%s" % (y, m, dd, name))
            hr = href_for(host, u)
            if r.random() < 0.1 and hr.startswith("/"):
                hr = host_url(host, hr)  # some CMSs write absolute URLs to their own host
            body.append('<li><a href="%s" title="%s" target="_blank">%s</a><span class="date">%s</span></li>'
                        % (hr, g.text(20), g.text(r.randint(10, 26)), d))
        body.append('</ul><div class="page">')
        for k in range(2, 2 + args.paging):
            body.append('<a href="index_%d.html">%d</a>' % (k, k))
        body.append('<a href="javascript:void(0)">下一页</a></div></div>')
        body.append('<div class="side"><h3>热点关注</h3><ul>')
        for u, t in r.sample(hot_pool, min(args.hot_per_col, len(hot_pool))):
            body.append('<li><a href="%s">%s</a></li>' % (href_for(host, u), t))
        body.append("</ul></div>")
        target = r.randint(args.min_kb * 1024, args.max_kb * 1024)
        size = sum(len(x.encode()) for x in body) + 2500
        while size < target:
            p = "<p>%s</p>" % g.text(r.randint(100, 300))
            body.append(p)
            size += len(p.encode())
        body.append(footer_html(host, footer_urls, g))
        html = "\n".join(body)
        d = os.path.join(introot, "col", "col%d" % cid)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "index.html"), "w", encoding="utf-8") as f:
            f.write(html)
        pages[col_url[c]] = html

    # ---- homepage (level 1) -----------------------------------------------
    home = host_url(WWW, "/")
    body = [HEAD % ("某某市人民政府门户网站", 1), nav_html(WWW, nav_urls, g)]
    body.append('<div class="banner"><iframe src="/art/widget/weather.html" width="300" height="40"></iframe></div>')
    body.append('<div class="headline"><h2>要闻</h2><ul>')
    for i in range(args.headlines):
        u = host_url(WWW, "/art/headline/art_%d.html" % (900000 + i))
        body.append('<li><a href="%s">%s</a></li>' % (href_for(WWW, u), g.text(r.randint(12, 24))))
    body.append('</ul></div><div class="columns"><h2>栏目导航</h2><ul>')
    for c in range(1, ncols + 1):
        body.append('<li><a href="%s">%s</a></li>' % (href_for(WWW, col_url[c]), col_title[c]))
    body.append('</ul></div><div class="links"><h2>相关链接</h2><ul>')
    for h in EXTERNAL:
        body.append('<li><a href="http://%s/">%s</a></li>' % (h, g.text(6)))
    body.append('</ul></div>')
    size = sum(len(x.encode()) for x in body)
    while size < 30000:
        p = "<p>%s</p>" % g.text(r.randint(100, 300))
        body.append(p)
        size += len(p.encode())
    body.append(footer_html(WWW, footer_urls, g))
    home_html = "\n".join(body)
    with open(os.path.join(introot, "index.html"), "w", encoding="utf-8") as f:
        f.write(home_html)
    pages[home] = home_html
    # level-2 pages that are not column pages but are internal HTML (fetched too)
    for i in range(args.headlines):
        pages[host_url(WWW, "/art/headline/art_%d.html" % (900000 + i))] = article_html
    pages[host_url(WWW, "/art/widget/weather.html")] = article_html

    # ---- the crawl a depth-3 crawler makes, computed ------------------------
    from html.parser import HTMLParser

    class LinkP(HTMLParser):
        def __init__(self):
            super().__init__()
            self.links = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag in ("a", "area") and a.get("href") is not None:
                self.links.append(a["href"])
            elif tag in ("iframe", "frame") and a.get("src") is not None:
                self.links.append(a["src"])

    cache = {}

    def links_of(url):
        html = pages[url]
        key = id(html)
        if key not in cache:
            p = LinkP()
            p.feed(html)
            cache[key] = p.links
        res = []
        for h in cache[key]:
            h = h.strip()
            if h.startswith("#"):
                res.append(("skipped", h))
                continue
            sch = h.split(":", 1)[0].lower() if ":" in h.split("/", 1)[0] else ""
            if sch and sch not in ("http", "https"):
                res.append(("skipped", h))
                continue
            u = urljoin(url, h).split("#", 1)[0]
            res.append(("link", u))
        return res

    def is_internal(u):
        host = urlsplit(u).hostname or ""
        return host == DOMAIN or host.endswith("." + DOMAIN)

    def classify(u):
        s = urlsplit(u)
        host, path = s.hostname, s.path
        hc = HOSTINFO[host][1]
        if host == WWW and path.startswith("/private/"):
            return "robots"
        if path.startswith("/gone/"):
            return "dead"
        if host == WWW and path.startswith("/go/"):
            return "no-aaaa"  # second hop is on the IPv4-only host
        return CLASS_OF_HOST[hc]

    level = {home: 1}
    skipped = {}
    order = [home]
    frontier = [home]
    for lv in (2, 3):
        nxt = []
        for page in frontier:
            if page not in pages or not is_internal(page):
                continue
            for kind, u in links_of(page):
                if kind == "skipped":
                    skipped.setdefault(u, lv)
                    continue
                if u not in level:
                    level[u] = lv
                    order.append(u)
                    nxt.append(u)
        frontier = nxt

    # sanity: every internal level-2 link that we treat as a page is really HTML
    counts = {}
    for u in order:
        lv = level[u]
        sc = "internal" if is_internal(u) else "external"
        cl = classify(u)
        counts.setdefault(lv, {}).setdefault(sc, {}).setdefault(cl, 0)
        counts[lv][sc][cl] += 1
    per_host = {}
    for u in order:
        h = urlsplit(u).hostname
        per_host[h] = per_host.get(h, 0) + 1

    def conc(lv, scopes):
        c = {k: 0 for k in CLASSES}
        for sc in scopes:
            for k, v in counts.get(lv, {}).get(sc, {}).items():
                c[k] += v
        counted = sum(c.values()) - c["robots"]
        sup = c["ok"] + c["v6-only"]
        alive = counted - c["dead"]
        return {"counted": counted, "supported": sup,
                "concentration": round(sup / counted, 4) if counted else None,
                "alive_concentration": round(sup / alive, 4) if alive else None}

    expected = {
        "seed": args.seed, "cols": ncols,
        "distinct_links": len(order),
        "links_per_level": {str(lv): sum(1 for u in order if level[u] == lv) for lv in (1, 2, 3)},
        "skipped_per_level": {str(lv): sum(1 for v in skipped.values() if v == lv) for lv in (2, 3)},
        "classes": {str(lv): counts.get(lv, {}) for lv in (1, 2, 3)},
        "per_host": per_host,
        "concentration": {str(lv): {"internal": conc(lv, ["internal"]), "all": conc(lv, ["internal", "external"])}
                          for lv in (1, 2, 3)},
        "pages_parsed": sum(1 for u in order if level[u] <= 2 and u in pages and is_internal(u)),
        "col_page_kb": {"min": min(len(pages[col_url[c]].encode()) for c in col_url) // 1024,
                        "max": max(len(pages[col_url[c]].encode()) for c in col_url) // 1024,
                        "avg": sum(len(pages[col_url[c]].encode()) for c in col_url) // 1024 // len(col_url)},
        "home_kb": len(home_html.encode()) // 1024,
        "article_kb": len(article_html.encode()) // 1024,
    }
    probed = [u for u in order if classify(u) != "robots"]
    expected["probed_links"] = len(probed)
    with open(os.path.join(out, "urls.txt"), "w") as f:
        f.write("\n".join(probed) + "\n")
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)

    # ---- server side configuration ------------------------------------------
    with open(os.path.join(out, "dnsmasq.args"), "w") as f:
        for name, hc, _, n in HOSTS:
            rec = "127.0.0.%d" % n
            if hc != "v4only":
                rec += ",%s%x" % (V6PREFIX, n)
            f.write("--host-record=%s,%s\n" % (name, rec))
    with open(os.path.join(out, "hosts"), "w") as f:
        f.write("127.0.0.1 localhost\n::1 localhost\n")
        for name, hc, _, n in HOSTS:
            f.write("127.0.0.%d %s\n" % (n, name))
            if hc != "v4only":
                f.write("%s%x %s\n" % (V6PREFIX, n, name))
    with open(os.path.join(out, "resolve.args"), "w") as f:
        for name, hc, _, n in HOSTS:
            a = "127.0.0.%d" % n
            if hc != "v4only":
                a += ",[%s%x]" % (V6PREFIX, n)
            f.write("%s:80:%s\n" % (name, a))
    with open(os.path.join(out, "addrs"), "w") as f:
        for name, hc, _, n in HOSTS:
            f.write("127.0.0.%d/8\n" % n)
            if hc != "v4only":
                f.write("%s%x/128\n" % (V6PREFIX, n))

    ngx = os.path.join(out, "nginx")
    os.makedirs(os.path.join(ngx, "logs"), exist_ok=True)
    user = "user root root;\n" if args.root else ""
    servers = []
    for name, hc, internal, n in HOSTS:
        listens = ["listen 127.0.0.%d:80;" % n]
        if hc == "dual":
            listens.append("listen [%s%x]:80;" % (V6PREFIX, n))
        if internal:
            loc = """
        root %s;
        location = /robots.txt { %s }
        location /art/ { try_files /_tpl/article.html =404; }
        location /private/ { try_files /_tpl/article.html =404; }
        location /about/ { try_files /_tpl/article.html =404; }
        location /attach/ { default_type application/pdf; try_files /_tpl/attach.pdf =404; }
        location /gone/ { return 404; }
        location ~ ^/r/(.*)$ { return 301 /art/$1; }
        location ~ ^/go/(\\d+)$ { return 301 http://old.%s/art/go/art_$1.html; }
        location ~ ^/col/col\\d+/index_\\d+\\.html$ { try_files /_tpl/article.html =404; }
""" % (introot, "try_files /robots.txt =404;" if name == WWW else "return 404;", DOMAIN)
        else:
            loc = """
        root %s;
        location = /robots.txt { return 404; }
        location / { try_files /_tpl/ext.html =404; }
""" % extroot
        servers.append("    server {\n        %s\n        server_name %s;%s    }\n"
                       % ("\n        ".join(listens), name, loc))
    conf = """%sworker_processes 2;
pid %s/nginx.pid;
error_log %s/logs/error.log warn;
events { worker_connections 1000; }
http {
    types { text/html html; application/pdf pdf; text/plain txt; }
    default_type text/html;
    charset off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    keepalive_timeout 120s;
    server_tokens off;
    log_format bench '$server_addr $status $request_method $host $request_uri $msec';
    access_log %s/logs/access.log bench;
    client_body_temp_path %s/tmp/body;
    proxy_temp_path %s/tmp/proxy;
    fastcgi_temp_path %s/tmp/fastcgi;
    uwsgi_temp_path %s/tmp/uwsgi;
    scgi_temp_path %s/tmp/scgi;
    server {
        listen 127.0.0.1:8080;
        location = /status { stub_status; }
    }
%s}
""" % (user, ngx, ngx, ngx, ngx, ngx, ngx, ngx, ngx, "".join(servers))
    os.makedirs(os.path.join(ngx, "tmp"), exist_ok=True)
    with open(os.path.join(ngx, "nginx.conf"), "w") as f:
        f.write(conf)
    return expected


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--large", action="store_true", help="~100k links instead of ~10k")
    ap.add_argument("--huge", action="store_true",
                    help="~1M links: 1650 column pages of 600 list links each")
    ap.add_argument("--cols", type=int, help="level-2 column pages (default 150, --large 1600, --huge 1650)")
    ap.add_argument("--per-col", type=int, help="list links per column page (default 60, --huge 600)")
    ap.add_argument("--paging", type=int, default=4)
    ap.add_argument("--nav", type=int, default=20)
    ap.add_argument("--hot", type=int, default=300)
    ap.add_argument("--hot-per-col", type=int, default=10)
    ap.add_argument("--headlines", type=int, default=8)
    ap.add_argument("--min-kb", type=int, default=20)
    ap.add_argument("--max-kb", type=int, default=60)
    ap.add_argument("--seed", type=int, default=20200323)
    ap.add_argument("--root", action="store_true", help="nginx runs as real root: add 'user root root;'")
    ap.add_argument("--summary", action="store_true", help="print expected.json")
    a = ap.parse_args()
    if a.cols is None:
        a.cols = 1650 if a.huge else 1600 if a.large else 150
    if a.per_col is None:
        a.per_col = 600 if a.huge else 60
    e = build(a)
    if a.summary:
        json.dump(e, sys.stdout, indent=1, sort_keys=True)
        print()


if __name__ == "__main__":
    main()
