"""HTML-only mail crafted to make an HTML reader slow, for the tests and for
bench/hostile_mail.py: each variant is a body of about `size` characters.

The standard library's html.parser took quadratic time on several of them
('<a b="' repeated: 90 KB, 56 s); Janela's reader (noc.mail.quotes) is linear.
"""
import hashlib
from email.message import EmailMessage

SIZE = 1_000_000


def _repeat(unit, size):
    return unit * (size // len(unit))


def variants(size=SIZE):
    """{name: HTML body of about `size` characters}."""
    return {
        'attribute quote': _repeat('<a b="', size),
        'attribute quote, single': _repeat("<a b='", size),
        'unclosed comment': _repeat('<!--', size),
        'CDATA': _repeat('<![CDATA[', size),
        'declaration': _repeat('<!x', size),
        'processing instruction': _repeat('<?x', size),
        'deep nesting': _repeat('<div>', size),
        'deep quotes': _repeat('<blockquote class="gmail_quote">', size),
        'attribute list': '<p ' + _repeat('b ', size) + '>',
        'attribute list, ids': '<p ' + _repeat('id=x ', size) + '>',
        'unclosed attribute list': '<p ' + _repeat('b=x ', size),
        '< flood': _repeat('<', size),
        '<a flood': _repeat('<a', size),
        '</ flood': _repeat('</', size),
        'tags and text': _repeat('<b>x', size),
        'end tags': _repeat('</a>', size),
        'self-closing': _repeat('<br/>', size),
        'character references': _repeat('&amp;', size),
        'unclosed script': '<script>' + _repeat('<a b="', size),
    }


def mail(body, sender='Carla <carla@globex.example.com>', subject='Re: MW-2026-00001'):
    """An HTML-only message (no text part) carrying `body`, as bytes."""
    message = EmailMessage()
    message['From'] = sender
    message['To'] = 'noc@janela.example'
    message['Subject'] = subject
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    message['Message-ID'] = f'<hostile-{digest}@evil.example.net>'
    message.set_content(body, subtype='html', cte='quoted-printable')
    return bytes(message)
