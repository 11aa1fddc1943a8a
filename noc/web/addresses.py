"""Janela's address in links a page shows.

`app.base_url` when it is set; otherwise the address the page was asked at
(`request.host_url`, which ProxyFix corrects behind trusted proxies), so the
links on a page work on whatever host and port Janela serves. Mail never
takes its links from a request (a forged Host header would reach customers):
notices use `noc.core.config.public_base_url`, through the settings.
"""
from flask import current_app, has_request_context, request

from noc.core.config import public_base_url


def page_base_url():
    noc = current_app.config['NOC']
    if noc['app']['base_url'] or not has_request_context():
        return public_base_url(noc)
    return request.host_url.rstrip('/')
