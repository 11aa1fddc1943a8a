"""Where the shared real routing data lives (RPKI, IRR, BGP files).

The data is read in place, never copied into the project. It sits beside the
project as ../shared/data on the project's machines; NOC_SHARED_DATA names
another place. A missing folder fails the tests that need it, loudly: the
suite must not pass by skipping its real-data cases.
"""
import os

_PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_CANDIDATES = [os.environ.get('NOC_SHARED_DATA', ''),
               os.path.join(_PROJECT, '..', 'shared', 'data'),
               '/work/shared/data']


def data_dir():
    for candidate in _CANDIDATES:
        if candidate and os.path.isfile(os.path.join(candidate, 'README.md')):
            return os.path.abspath(candidate)
    raise RuntimeError('the shared routing data was not found; set NOC_SHARED_DATA to its '
                       'folder (tried: ' + ', '.join(c for c in _CANDIDATES if c) + ')')


def path(*parts):
    """path('rpki', 'stayrtr-test.rpki.json') -> absolute path of that shared file."""
    full = os.path.join(data_dir(), *parts)
    if not os.path.exists(full):
        raise RuntimeError(f'shared data file missing: {full}')
    return full
