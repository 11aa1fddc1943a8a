"""The routing domain's settings, as values.

Adapters (web, API, CLI, inbound mail, the worker) read them from the app's
configuration once and pass them in: the domain never reads `current_app`,
so it runs, and is tested, without an app.
"""
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Sender:
    """Who prefix notices come from, and where a customer's reply goes."""
    name: str
    address: str
    operator: str           # the operator's name, as mails sign
    provider: str           # the domain of the Message-Ids we make
    reply_to: str = ''      # the BGP mailbox, which answers "what is the state now?"


@dataclass(frozen=True)
class RoutingSettings:
    prefixes: MappingProxyType      # [prefixes]: the acceptance policy and its limits
    irr: MappingProxyType           # [irr]: dumps, servers, timeouts
    rpki: MappingProxyType          # [rpki]: sources, refresh, shrink limit
    sender: Sender

    @classmethod
    def of(cls, config):
        """From the app's whole NOC configuration (current_app.config['NOC'])."""
        mailboxes = config['inbound']['bgp_mailboxes']
        return cls(prefixes=MappingProxyType(dict(config['prefixes'])),
                   irr=MappingProxyType(dict(config['irr'])),
                   rpki=MappingProxyType(dict(config['rpki'])),
                   sender=Sender(name=config['mail']['from_name'],
                                 address=config['mail']['from_address'],
                                 operator=config['app']['operator_name'],
                                 provider=config['maintenance']['provider'],
                                 reply_to=mailboxes[0] if mailboxes else ''))

    @property
    def checks_in_place(self):
        """Whether a check reads loaded data only (no IRRd server to ask), and so
        may run in the caller's request: nothing talks to an IRRd from one."""
        return not self.irr['servers']
