"""The settings maintenance work runs on, as one value the entry points pass in.

Commands and domain modules take a `Settings` instead of reading the Flask
app: a command then runs the same under a request, the CLI, the worker or a
test without an app, and what it depends on is in its signature. Adapters
build it from the app's config with `of_app(app)`.
"""
from dataclasses import dataclass

from noc.core.config import public_base_url


@dataclass(frozen=True)
class Settings:
    provider: str               # X-MAINTNOTE-PROVIDER and the iCalendar UIDs' domain
    min_notice_days: int
    max_duration_hours: int
    reminder_hours: int
    notify_no_impact: bool
    operator_name: str          # who "we" are in a notice
    sender: tuple               # (name, address) notices come from
    base_url: str               # Janela's public address (config.public_base_url), for links
    secret_key: str             # signs the customer page links
    time_zone: str = 'America/Sao_Paulo'    # the NOC's, for times typed without one
    max_days_ahead: int = 1826  # how far ahead a window may end (rules.period_problems)
    start_early_minutes: int = 60   # how long before its start a window may be started

    @property
    def rules(self):
        """What rules.check reads."""
        return {'min_notice_days': self.min_notice_days,
                'max_duration_hours': self.max_duration_hours,
                'max_days_ahead': self.max_days_ahead}


def of_config(noc, secret_key):
    """From the validated config (`app.config['NOC']`) and the app's secret key."""
    maintenance, mail, app = noc['maintenance'], noc['mail'], noc['app']
    return Settings(
        provider=maintenance['provider'], min_notice_days=maintenance['min_notice_days'],
        max_duration_hours=maintenance['max_duration_hours'],
        reminder_hours=maintenance['reminder_hours'],
        notify_no_impact=maintenance['notify_no_impact'],
        operator_name=app['operator_name'], sender=(mail['from_name'], mail['from_address']),
        base_url=public_base_url(noc), secret_key=secret_key, time_zone=app['time_zone'],
        max_days_ahead=maintenance['max_days_ahead'],
        start_early_minutes=maintenance['start_early_minutes'])


def of_app(app):
    """What an adapter passes: read when called, so a changed config is seen."""
    return of_config(app.config['NOC'], app.config['SECRET_KEY'])

