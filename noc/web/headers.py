"""Security headers on every response of the app: one after_request.

NOC pages run no script at all and load only this site's style sheet, so the
policy allows nothing inline; no page may be framed (frame-ancestors and, for
older browsers, X-Frame-Options); no response is sniffed into another type;
the address goes only to this site's own pages. A blueprint or view that
sets its own header keeps it: the customer page (web.public_page) sends a
stricter policy and no referrer at all. A mail page's HTML part is served
by its own route (noc/web/mail/shown_parts.py) under a sandbox policy that
only this site may frame.
"""
NOC_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

HEADERS = {
    'Content-Security-Policy': NOC_POLICY,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
}


def secure(response):
    """Each header the response does not set already. The names present are read
    once: Headers.setdefault looks each name up by raising and catching a
    KeyError, which a hot endpoint (the provider status read) pays per header."""
    present = {name.lower() for name in response.headers.keys()}
    for name, value in HEADERS.items():
        if name.lower() not in present:
            response.headers.add(name, value)
    return response


def register(app):
    app.after_request(secure)
