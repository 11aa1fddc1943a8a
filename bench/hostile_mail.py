"""CPU that crafted HTML-only mail costs to read (issue 16).

    .venv/bin/python bench/hostile_mail.py                # 1 MB variants
    .venv/bin/python bench/hostile_mail.py --size 200000 --baseline

The target: a crafted 1 MB HTML mail costs under 2 s of CPU, and the cost
grows linearly with the size. For each variant of tests/helpers/hostile_html.py
(about --size characters of '<a b="' repeated, an unclosed '<!--', CDATA,
deep nesting, long attribute lists, '<' floods …) sent as an HTML-only
message, the CPU time (time.process_time, this process only) of:

- `read`: noc.mail.reading.read on the whole message: MIME parsing, the
  quoted-printable body decoded, the HTML read for its text (cut at
  MAX_HTML_TEXT) and the quote stripped. It is what noc.inbound.receive.parsed
  does before any transaction, and all the work a message's size drives;
- `read ×2`: the same at twice the size: the HTML past MAX_HTML_TEXT is
  never read, so it costs little more;
- `html` and `html ×2`: noc.mail.quotes.html_text alone on the body and on
  one twice as long, with no cut: their ratio is about 2 for a linear
  reader (4 for a quadratic one; small bodies round it either way).

With --baseline, the standard library's html.parser (the reader before this
change) on '<a b="' at a few small sizes, to show the quadratic growth it had;
it is not run at 1 MB (about two hours).

Figures are printed, and written as JSON to bench/out/hostile_mail.json.
"""
import argparse
import json
import os
import platform
import sys
import time
from html.parser import HTMLParser

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for folder in (PROJECT_DIR, os.path.join(PROJECT_DIR, 'tests')):
    if folder not in sys.path:
        sys.path.insert(0, folder)

from helpers import hostile_html

from noc.mail import quotes, reading


def cpu(call, *args):
    started = time.process_time()
    call(*args)
    return time.process_time() - started


def _html_parser(body):
    parser = HTMLParser(convert_charrefs=True)
    parser.feed(body)
    parser.close()


def baseline(sizes):
    """html.parser on '<a b="' repeated: {size: CPU seconds}."""
    found = {}
    for size in sizes:
        found[size] = cpu(_html_parser, '<a b="' * (size // 6))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--size', type=int, default=hostile_html.SIZE)
    parser.add_argument('--baseline', action='store_true',
                        help="also time html.parser on small '<a b=\"' bodies")
    options = parser.parse_args()
    rows = []
    print(f'{"variant":26} {"read s":>7} {"read ×2":>8} {"html s":>7} {"html ×2":>8} {"ratio":>6}')
    for name, body in hostile_html.variants(options.size).items():
        double = hostile_html.variants(2 * options.size)[name]
        raw = hostile_html.mail(body)
        row = {'variant': name, 'characters': len(body), 'bytes': len(raw),
               'read': cpu(reading.read, raw),
               'read_twice': cpu(reading.read, hostile_html.mail(double)),
               'html': cpu(quotes.html_text, body), 'html_twice': cpu(quotes.html_text, double)}
        row['ratio'] = row['html_twice'] / row['html'] if row['html'] >= 0.01 else None
        rows.append(row)
        ratio = f'{row["ratio"]:.1f}' if row['ratio'] else '-'
        print(f'{name:26} {row["read"]:7.3f} {row["read_twice"]:8.3f} {row["html"]:7.3f} '
              f'{row["html_twice"]:8.3f} {ratio:>6}')
    worst = max(rows, key=lambda r: r['read'])
    print(f'worst: {worst["variant"]}, {worst["read"]:.3f} s of CPU for '
          f'{worst["bytes"]} bytes')
    result = {'size': options.size, 'rows': rows, 'worst': worst,
              'python': platform.python_version(), 'machine': platform.machine(),
              'cpus': os.cpu_count(), 'date': time.strftime('%Y-%m-%d')}
    if options.baseline:
        result['baseline'] = baseline([10_000, 20_000, 40_000])
        for size, seconds in result['baseline'].items():
            print(f'html.parser, {size} characters of \'<a b="\': {seconds:.3f} s')
    out = os.path.join(PROJECT_DIR, 'bench', 'out')
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'hostile_mail.json'), 'w') as handle:
        json.dump(result, handle, indent=2)


if __name__ == '__main__':
    main()
