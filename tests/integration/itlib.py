"""What the integration scripts' own small web servers share: a handler
that answers GET and HEAD alike from one page() method, a page of links,
an IPv6 server class, and a finished v6crawl process (Run). Imported by tests/integration/test_*.py (their folder is on
sys.path when they run as scripts)."""

import http.server
import json
import socket


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
        return json.loads(self.out)
