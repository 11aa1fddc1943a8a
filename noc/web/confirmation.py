"""Asking before an action that mails customers (issue 17).

An action's POST without `confirmed=1` acts on nothing: it shows
templates/confirm.html, which says what will happen and how many customers
and contacts will be mailed (counted by the domain as the command picks
them), then posts the same fields back with `confirmed=1` and the CSRF token.
Where a time guard applies, the page holds the override reason's field.
"""
from flask import render_template, request

NOT_CARRIED = ('csrf_token', 'confirmed', 'override_reason')


def confirmed():
    """Whether the POST is the confirmation page's final one."""
    return request.form.get('confirmed') == '1'


def ask(action_url, what, back_url, customers=0, contacts=0, guard=None, error=None,
        button=None, extra=None):
    """The confirmation page: `what` happens at `action_url`, mailing `contacts`
    contacts of `customers` customers; `guard` a time guard's message (then the
    override reason is asked for); `error` why the last try was refused; `extra`
    {name: value} more fields to post back."""
    extra = extra or {}
    carried = [(name, value) for name, value in request.form.items(multi=True)
               if name not in NOT_CARRIED and name not in extra] + list(extra.items())
    return render_template(
        'confirm.html', action_url=action_url, what=what, back_url=back_url,
        customers=customers, contacts=contacts, guard=guard, error=error, button=button,
        carried=carried, override_reason=request.form.get('override_reason', '')), 200
