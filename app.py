"""Entry point: `flask --app app …` and `gunicorn app:app`."""
from noc import create_app

app = create_app()
