"""What the integration scripts' own small web servers share: a handler
that answers GET and HEAD alike from one page() method, a page of links,
an IPv6 server class, a finished v6crawl process (Run), and a script's
own small world (a dnsmasq and a web server on both families). Imported by tests/integration/test_*.py (their folder is on
sys.path when they run as scripts)."""

import http.server
import json
import jsonschema
import os
import socket
import subprocess
import sys
import threading
import time


def link_page(links):
    """An HTML page whose body is one <a href> per URL of @links."""
    return ("<html><body>" + "".join('<a href="%s">l</a>' % u
                                     for u in links) +
            "</body></html>").encode()


class PageHandler(http.server.BaseHTTPRequestHandler):
    """Answers GET and HEAD of self.path from page(), which returns the
    body (bytes), or (body, content type), or None for a 404. HEAD sends
    the same headers without the body. No logging to stderr."""

    def page(self):
        raise NotImplementedError

    def serve(self, body_wanted):
        got = self.page()
        if got is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body, ctype = got if isinstance(got, tuple) else (got, "text/html")
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body_wanted:
            self.wfile.write(body)

    def do_GET(self):
        self.serve(True)

    def do_HEAD(self):
        self.serve(False)

    def log_message(self, *args):
        pass


class Server6(http.server.ThreadingHTTPServer):
    """A ThreadingHTTPServer on an IPv6 address."""
    address_family = socket.AF_INET6


SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..", "doc", "v6crawl.schema.json")
_validator = []
validated = {}  # document kind -> how many were checked against the schema


def jload(text):
    """@text (str or bytes), a JSON document v6crawl wrote, parsed, after
    checking it is valid UTF-8 and valid against doc/v6crawl.schema.json
    (raises jsonschema.ValidationError or UnicodeDecodeError). Every test
    reads v6crawl's JSON through here."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")  # strict: invalid UTF-8 raises
    doc = json.loads(text)
    if not _validator:
        with open(SCHEMA_PATH, encoding="utf-8") as f:
            _validator.append(jsonschema.Draft202012Validator(json.load(f)))
    _validator[0].validate(doc)
    kind = doc.get("document")
    validated[kind] = validated.get(kind, 0) + 1
    return doc


def hop_lines(hops):
    """The structured hops of a links document back as the crawler's lines
    ("301 URL", "ERR why URL", "ROBOTS why URL"), for comparisons."""
    words = {"error": "ERR", "robots": "ROBOTS"}
    out = []
    for h in hops or []:
        if h["kind"] == "response":
            head = str(h["status"])
        elif h["kind"] in words:
            head = words[h["kind"]] + " " + h["error"]
        else:
            head = h["error"]
        out.append(head + (" " + h["url"] if h["url"] is not None else ""))
    return out


class Run:
    """A finished subprocess.run of v6crawl: rc, out, err (text), why()
    for a failure message, json() of its output."""

    def __init__(self, p):
        self.rc = p.returncode
        self.out = p.stdout.decode(errors="replace")
        self.err = p.stderr.decode(errors="replace")

    def why(self):
        return "rc %s\nstdout:\n%s\nstderr:\n%s" % (self.rc, self.out[-1500:],
                                                    self.err[-1500:])

    def json(self):
        return jload(self.out)


def small_world(work, v4, v6, records, handler):
    """This script's own dnsmasq on @v4:53 answering each of @records
    (dnsmasq --host-record values) and nothing else, and @handler served
    on @v4:80 and [@v6]:80. Returns what small_world_stop takes."""
    dns = subprocess.Popen(["dnsmasq", "--keep-in-foreground",
                            "--conf-file=/dev/null", "--no-resolv",
                            "--no-hosts", "--port=53", "--bind-interfaces",
                            "--listen-address=" + v4, "--local=/#/"] +
                           ["--host-record=" + r for r in records] +
                           ["--pid-file=" + os.path.join(work, "dns.pid")],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    Server6.allow_reuse_address = True
    srv = [http.server.ThreadingHTTPServer((v4, 80), handler),
           Server6((v6, 80), handler)]
    for s in srv:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    time.sleep(0.5)
    return dns, srv


def small_world_stop(world):
    dns, srv = world
    for s in srv:
        s.shutdown()
    dns.terminate()
    dns.wait(10)


def dnsmasq(work, name, addr, extra, who):
    """Start a dnsmasq of the test's own on @addr:53 (no upstream unless
    @extra names one, logging queries to WORK/NAME.log); its pid. Exits
    the script (@who: its name) when it does not start."""
    pid = os.path.join(work, name + ".pid")
    args = ["dnsmasq", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
            "--port=53", "--listen-address=" + addr, "--bind-interfaces",
            "--user=root", "--group=", "--pid-file=" + pid, "--no-negcache",
            "--log-queries", "--log-facility=%s/%s.log" % (work, name)]
    r = subprocess.run(args + extra, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("%s: dnsmasq %s failed: %s" % (who, name, r.stderr))
    for _ in range(50):
        if os.path.exists(pid) and open(pid).read().strip():
            return int(open(pid).read())
        time.sleep(0.1)
    sys.exit("%s: dnsmasq %s wrote no pid file" % (who, name))


def listener(addr, port=80):
    """A listening TCP socket on @addr:@port (IPv4)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    return s


def serve_raw(sock, handler):
    """Accept on @sock until it is closed, each connection handed to
    @handler(conn) in a thread of its own (for faults a raw socket server
    makes)."""
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        threading.Thread(target=handler, args=(conn,), daemon=True).start()


def nginx(work, http, who, log_format=None):
    """Start an nginx of the script's own in @work (its pid file, logs and
    temporary folders there) with the lines @http inside its http {}
    block (servers, maps), its access log in WORK/access.log (in format
    @log_format when given, else nginx's); exits the script (@who: its
    name) when nginx does not start. Stop it with nginx_stop(@work)."""
    tmp = os.path.join(work, "tmp")
    os.makedirs(tmp, exist_ok=True)
    conf = ["user root root;" if os.geteuid() == 0 else "",
            "master_process off;", "daemon on;",
            "pid %s/nginx.pid;" % work,
            "error_log %s/nginx-error.log info;" % work,
            "events { worker_connections 512; }", "http {"]
    if log_format:
        conf += ["  log_format it '%s';" % log_format,
                 "  access_log %s/access.log it;" % work]
    else:
        conf.append("  access_log %s/access.log;" % work)
    conf += ["  %s_temp_path %s/%s;" % (t, tmp, t)
             for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")]
    conf += list(http) + ["}"]
    path = os.path.join(work, "nginx.conf")
    with open(path, "w") as f:
        f.write("\n".join(conf) + "\n")
    r = subprocess.run(["nginx", "-p", work, "-c", path, "-e",
                        os.path.join(work, "nginx-error.log")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("%s: nginx failed: %s" % (who, r.stderr))


def nginx_start(work, servers, who, types="text/html html;", log_format=None):
    """nginx() with one server block per (listens, server_name, root) of
    @servers (listens a list of "ADDR:PORT" or "[V6]:PORT"; server_name
    None for the default server of its listens) and @types the MIME types
    block."""
    http = ["  default_type application/octet-stream;",
            "  types { %s }" % types]
    for listens, name, root in servers:
        http.append("  server {")
        http += ["    listen %s%s;" % (a, "" if name else " default_server")
                 for a in listens]
        if name:
            http.append("    server_name %s;" % name)
        http += ["    root %s;" % root, "  }"]
    nginx(work, http, who, log_format)


def nginx_stop(work):
    """Stop the nginx that nginx() or nginx_start() started in @work, if it
    runs."""
    p = os.path.join(work, "nginx.pid")
    if os.path.exists(p):
        try:
            os.kill(int(open(p).read()), 15)
        except (OSError, ValueError):
            pass
