"""What a person wrote in a reply, without the message they quote.

Replies quote the notice below (Gmail, Thunderbird: "On … wrote:" / "Em …
escreveu:" and '>' lines; Outlook: a "From:/De:" header block or an
"-----Original Message-----" line, nothing marked). The NOC reads the new
text; the whole message stays one click away. mail-parser-reply does this
for a dozen languages but not Portuguese, the one our customers write in.
"""
import re
from html.parser import HTMLParser

_WROTE = re.compile(r'^\s*(On\s.{0,300}\swrote|Em\s.{0,300}\sescreveu)\s*:\s*$',
                    re.IGNORECASE | re.DOTALL)
_SEPARATOR = re.compile(
    r'^\s*(-{2,}\s*(Original Message|Mensagem original|Forwarded message|'
    r'Mensagem encaminhada)\s*-{2,}|_{10,})\s*$', re.IGNORECASE)
_HEADER_FROM = re.compile(r'^\s*\*?(From|De)\*?\s*:\s*\S', re.IGNORECASE)
_HEADER_NEXT = re.compile(r'^\s*\*?(Sent|Date|Enviado|Enviada em|Enviada|Data|To|Para)\*?\s*:',
                          re.IGNORECASE)


def _starts_quote(lines, i):
    line = lines[i]
    if _SEPARATOR.match(line):
        return True
    # "On …, Name <address> wrote:" is often wrapped over two lines.
    if _WROTE.match(line) or (i + 1 < len(lines) and _WROTE.match(line + ' ' + lines[i + 1])
                              and not lines[i].lstrip().startswith('>')):
        return True
    return bool(_HEADER_FROM.match(line) and any(
        _HEADER_NEXT.match(following) for following in lines[i + 1:i + 4]))


def strip(text):
    """The new text of a reply: cut at the first quote header, '>' lines dropped."""
    lines = (text or '').replace('\r\n', '\n').replace('\r', '\n').split('\n')
    kept = []
    for i, line in enumerate(lines):
        if _starts_quote(lines, i):
            break
        if line.lstrip().startswith('>'):
            continue
        kept.append(line)
    return re.sub(r'\n{3,}', '\n\n', '\n'.join(kept)).strip()


class _Text(HTMLParser):
    """Visible text of an HTML reply, without what it quotes."""

    BLOCKS = {'p', 'div', 'br', 'tr', 'li', 'h1', 'h2', 'h3', 'h4', 'table', 'hr'}
    HIDDEN = {'script', 'style', 'head', 'title'}
    # Gmail nests the quote in div.gmail_quote; Outlook puts the quoted message
    # after div#divRplyFwdMsg / #appendonsend, or in a blockquote.
    QUOTE_CLASSES = {'gmail_quote', 'moz-cite-prefix', 'yahoo_quoted'}
    QUOTE_ENDS = {'divrplyfwdmsg', 'appendonsend', 'mail-editor-reference-message-container'}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip_depth, self.stack, self.ended = [], 0, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get('class') or '').lower().split())
        if (attrs.get('id') or '').lower() in self.QUOTE_ENDS:
            self.ended = True
        if tag in ('br', 'hr', 'img', 'meta', 'link', 'input'):
            if tag in self.BLOCKS:
                self.parts.append('\n')
            return
        quoting = tag == 'blockquote' or classes & self.QUOTE_CLASSES or tag in self.HIDDEN
        self.stack.append(bool(quoting))
        if quoting:
            self.skip_depth += 1
        if tag in self.BLOCKS:
            self.parts.append('\n')

    def handle_endtag(self, tag):
        if tag in ('br', 'hr', 'img', 'meta', 'link', 'input'):
            return
        if self.stack and self.stack.pop():
            self.skip_depth -= 1
        if tag in self.BLOCKS:
            self.parts.append('\n')

    def handle_data(self, data):
        if not self.skip_depth and not self.ended:
            self.parts.append(data)


def html_text(html):
    """Plain text of an HTML body, quoted parts left out."""
    parser = _Text()
    try:
        parser.feed(html or '')
        parser.close()
    except (AssertionError, ValueError):      # malformed markup: keep what was read
        pass
    text = ''.join(parser.parts).replace('\xa0', ' ')
    text = re.sub(r'[ \t]+', ' ', text)
    return re.sub(r'\n\s*\n\s*', '\n\n', text).strip()
