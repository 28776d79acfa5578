"""What the integration scripts' own small web servers share: a handler
that answers GET and HEAD alike from one page() method, and a page of
links. Imported by tests/integration/test_*.py (their folder is on
sys.path when they run as scripts)."""

import http.server
import os
import subprocess
import sys
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
