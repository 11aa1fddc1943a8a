"""HTML-only mail crafted to be slow to read costs work linear in its size,
with a bound on what is read (MAX_HTML_TEXT); what the reader keeps of an
ordinary reply is unchanged.

No test is timed: the 1 MB variants run in a child process under a CPU
limit of 30 s, which a linear reader stays far below (bench/hostile_mail.py:
under 0.5 s each) and the old html.parser exceeded by hours ('<a b="'
repeated: 90 KB took 56 s, growing with the square of the size).
"""
import contextlib
import os
import resource
import signal
import subprocess
import sys

import pytest
from helpers import hostile_html
from helpers.maintenance_fixtures import build_network, confirmed

from noc.core.limits import MAX_HTML_TEXT
from noc.inbound import receive as inbound
from noc.mail import quotes, reading
from noc.models import InboundMessage

CPU_LIMIT = 30          # seconds of CPU: generous, never a timing
PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHILD = '''
import sys
from helpers import hostile_html
from noc.mail import reading
for name, body in hostile_html.variants().items():
    letter = reading.read(hostile_html.mail(body))
    print(name, len(letter.text), flush=True)
'''


def _limited():
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT + 5))


def test_every_crafted_1mb_html_mail_is_read_within_a_generous_cpu_limit():
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join([PROJECT, os.path.join(PROJECT, 'tests')])}
    done = subprocess.run([sys.executable, '-c', CHILD], cwd=PROJECT, env=env,
                          preexec_fn=_limited, capture_output=True, text=True,
                          timeout=20 * CPU_LIMIT)
    read = [line.rsplit(' ', 1)[0] for line in done.stdout.splitlines()]
    assert done.returncode == 0, (done.returncode, read, done.stderr[-2000:])
    assert read == list(hostile_html.variants(60))      # every variant, to the end


@contextlib.contextmanager
def cpu_limit(seconds=CPU_LIMIT):
    """Raise in this test when the process has used `seconds` more of CPU:
    a runaway reader fails the test instead of stalling the run."""
    def runaway(*_):
        raise AssertionError(f'more than {seconds} s of CPU')
    previous = signal.signal(signal.SIGPROF, runaway)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@pytest.mark.parametrize('body, kept, lost', [
    ('Pode ser domingo? <a b="' * 3, 'Pode ser domingo?', 'b='),
    ('Antes <!-- nunca fechado ' + 'x' * 100, 'Antes', 'nunca'),
    ('Antes <![CDATA[ dentro ' * 3, 'Antes', 'dentro'),
    ('Antes <p ' + 'id=x ' * 1000, 'Antes', 'id'),
    ('a < b e c > d; 1 << 2', 'a < b e c > d; 1 << 2', '\x00'),
    ('<div>' * 200_000 + 'no fundo' + '</div>' * 200_000, 'no fundo', '<'),
    ('<p>Sim &amp; ok</p><blockquote>citado</blockquote><div class="gmail_quote">'
     'também</div><p>fim</p>', 'Sim & ok', 'citado'),
    ('<p>Ok</p><div id="divRplyFwdMsg">De: NOC</div><p>Aviso</p>', 'Ok', 'Aviso'),
    ('<style>p { x: "</p>" }</style>Texto<script>a = "<b>";</script>!', 'Texto!', 'x:'),
])
def test_what_is_kept_of_malformed_and_deep_html(body, kept, lost):
    text = quotes.html_text(body)
    assert kept in text and lost not in text, text[:200]


def test_html_past_the_budget_is_not_read_and_the_message_says_so():
    body = '<p>Resposta no topo</p>' + '<p>' + 'x' * MAX_HTML_TEXT + '</p><p>CAUDA</p>'
    letter = reading.read(hostile_html.mail(body))
    assert 'Resposta no topo' in letter.reply_text and 'CAUDA' not in letter.text
    assert any(str(MAX_HTML_TEXT) in error for error in letter.errors)


def test_a_crafted_html_reply_is_stored_and_handled_like_any_other(ctx):
    build_network()
    window = confirmed()
    body = f'<p>{window.reference}: Não podemos.</p>' + '<a b="' * (1_000_000 // 6)
    with cpu_limit():
        message, new = inbound.receive(hostile_html.mail(body, subject=f'Re: {window.reference}'),
                                       'stdin')
    message = InboundMessage.get_by_id(message.id)
    assert new and (message.state, message.outcome) == ('handled', 'message-attached')
    assert message.window_id == window.id and 'Não podemos.' in message.body_text
