"""Input limits: how much of anything Janela takes from outside, in one place.

Commands enforce them (a reason over MAX_REASON is a field error, not a cut);
adapters read them only to tell people (a form's maxlength, the OpenAPI
document), never to define their own. Each says why it is that size.
"""

# Ids: the database's BIGINT. A larger number names no row (404), and asking
# the database for it would be an error of the driver, not a missing row.
MAX_ID = 2 ** 63 - 1

# AS numbers: 32 bits (RFC 6793).
MAX_ASN = 2 ** 32 - 1

# Free text a person types in one field: a reason to cancel, decline, reject
# or withdraw; a note. Long enough for a paragraph, short enough for a mail.
MAX_REASON = 2000
MAX_NOTE = 2000

# A maintenance window's title, and its descriptions and internal notes (the
# title is a mail's subject; a description may hold a whole work plan).
MAX_TITLE = 200
MAX_DESCRIPTION = 20000

# The outage a window announces, in minutes: 30 days, far past any window.
MAX_OUTAGE_MINUTES = 60 * 24 * 30

# How far past our clock a calendar answer's DTSTAMP may be, in minutes (a
# client's clock drifts a little): a later one claims a moment that has not
# come, and would outrank every genuine answer after it. It is held for the
# NOC, never applied.
MAX_STAMP_AHEAD_MINUTES = 15

# What a customer writes in a calendar reply or a request to move a window
# (kept whole for the NOC to read).
MAX_COMMENT = 4000

# An address as SMTP allows it (RFC 5321: 254 octets in a path).
MAX_EMAIL = 254

# A date and time typed by a person ("2026-12-09 02:00"), with room for a zone.
MAX_TIME_TEXT = 40

# A reference typed back to us (MW-2026-00042, PR-12, a customer's circuit id).
MAX_REFERENCE = 40

# A page of this site to go back to (next=, a Referer): longer is no address of ours.
MAX_REDIRECT_TARGET = 2000

# Warning keys acknowledged in one call, and the length of one key.
MAX_ACKS = 100
MAX_KEY = 200

# Periods one request to move a window may propose.
MAX_PROPOSALS = 3

# Items in one JSON list a caller sends (circuits of a window, prefixes to check).
MAX_ITEMS = 10000

# Prefixes pasted into one request, and the text they come in.
MAX_PREFIXES = 2000
MAX_PREFIX_TEXT = 400_000

# An AS-SET name (RFC 2622 allows long hierarchical names; 128 is ample).
MAX_AS_SET = 128

# The name of a routing data source (a VRP source or an IRR source).
MAX_SOURCE = 64

# A CSV upload in the browser, and the rows one import takes.
MAX_UPLOAD = 14 * 1024 * 1024
MAX_CSV_ROWS = 200_000

# Prefix-origin pairs one ad hoc check takes ("would these be accepted?"):
# answered in the caller's request when only loaded data is read.
MAX_CHECK_PREFIXES = 100

# Prefixes one engineer's action names by id (a request's whole list, ticked).
MAX_CHOSEN = 5000

# Characters of a received message's HTML body read for its text (an
# HTML-only reply): the new text comes first and the quoted notice after, so
# the cut costs only the tail of the quote; past it nothing is parsed. The
# reading is linear (noc.mail.quotes), so this bounds its CPU too.
MAX_HTML_TEXT = 1_000_000

# What the BGP mailbox reads of one message: the questions (requests,
# prefixes) it answers, and the characters of text it reads. Past them the
# answer says it stopped; a person reads the rest (a cut, not a refusal).
MAX_MAIL_QUESTIONS = 100
MAX_MAIL_TEXT = 1_000_000

# The pickers' search: what one keystroke may ask. A code or a name is far
# shorter than 100 characters, and a list longer than 50 is no longer a
# pick-list but a page of the inventory.
MAX_SEARCH_TEXT = 100
MAX_SEARCH_RESULTS = 50
# A customer a search is narrowed to: its id or its account id (32), no more.
MAX_SEARCH_CUSTOMER = 40

# What a mail page shows of one message (ours, the capture's or a customer's):
# characters of its HTML part served to the sandboxed frame (cut past it), of
# its calendar part read for the summary (past it only the raw text is shown),
# and the attendees listed in that summary (the rest counted).
MAX_SHOWN_HTML = 1_000_000
MAX_SUMMARY_CALENDAR = 200_000
MAX_SUMMARY_ATTENDEES = 200
