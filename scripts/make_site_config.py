"""Write the site file (instance/config.toml) with a random secret key.

It holds secrets, so it is git-ignored; delete it to get a new key (every
NOC session is then logged out).
"""
import os
import secrets
import sys

path = sys.argv[1]
os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
with open(path, 'x', encoding='utf-8') as fh:
    fh.write('# Site settings and secrets for this installation; never commit this file.\n'
             '# Any key of config.toml can be set here.\n\n'
             '[app]\n'
             f'secret_key = "{secrets.token_urlsafe(48)}"\n')
os.chmod(path, 0o600)
print(f'Wrote {path} with a new secret key.')
