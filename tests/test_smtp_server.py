"""The test SMTP server behaves like a real relay in each mode (plain smtplib)."""
import smtplib
import ssl
from email.message import EmailMessage

import pytest
from helpers.smtp_server import SmtpServer

SENDER = 'noc@janela.test'


def message(n=1, to='ops@customer.test'):
    msg = EmailMessage()
    msg['From'], msg['To'], msg['Subject'] = SENDER, to, f'Maintenance notice {n}'
    msg.set_content(f'Body {n}\n')
    return msg


def connect(server, timeout=5):
    return smtplib.SMTP(server.host, server.port, timeout=timeout)


def test_ok_records_message_and_reply(smtp_server):
    with connect(smtp_server) as client:
        client.send_message(message(1))
        client.send_message(message(2, to='a@x.test'))
        code, reply = client.noop()
    assert code == 250
    first, second = smtp_server.messages
    assert first.mail_from == SENDER and first.rcpt_tos == ['ops@customer.test']
    assert b'Subject: Maintenance notice 1' in first.raw
    assert first.reply == '250 Ok queued as 1'
    assert second.reply == '250 Ok queued as 2' and second.rcpt_tos == ['a@x.test']
    smtp_server.clear()
    assert smtp_server.messages == []


def test_tempfail_answers_451_to_data(smtp_server):
    smtp_server.mode = 'tempfail'
    with connect(smtp_server) as client, pytest.raises(smtplib.SMTPDataError) as err:
        client.send_message(message())
    assert err.value.smtp_code == 451
    assert err.value.smtp_error.startswith(b'4.3.0')
    assert smtp_server.messages == []


def test_permfail_refuses_recipient_with_550(smtp_server):
    smtp_server.mode = 'permfail'
    with connect(smtp_server) as client, pytest.raises(smtplib.SMTPRecipientsRefused) as err:
        client.send_message(message())
    code, text = err.value.recipients['ops@customer.test']
    assert code == 550 and text.startswith(b'5.1.1')
    assert smtp_server.messages == []


def test_permfail_on_data_answers_550(smtp_server):
    smtp_server.mode, smtp_server.permfail_on = 'permfail', 'data'
    with connect(smtp_server) as client, pytest.raises(smtplib.SMTPDataError) as err:
        client.send_message(message())
    assert err.value.smtp_code == 550 and err.value.smtp_error.startswith(b'5.1.1')


def test_refused_recipient_alone_bounces(smtp_server):
    smtp_server.refused_rcpts.add('gone@customer.test')
    msg = message()
    with connect(smtp_server) as client:
        refused = client.sendmail(SENDER, ['ops@customer.test', 'gone@customer.test'],
                                  msg.as_bytes())
    assert refused['gone@customer.test'][0] == 550
    assert smtp_server.messages[0].rcpt_tos == ['ops@customer.test']


def test_die_after_drops_connection_mid_batch(smtp_server):
    smtp_server.mode, smtp_server.die_after = 'die_after', 1
    client = connect(smtp_server)
    client.send_message(message(1))
    with pytest.raises(smtplib.SMTPServerDisconnected):
        client.send_message(message(2))
    client.close()
    assert [m.reply for m in smtp_server.messages] == ['250 Ok queued as 1']
    # A new connection is a fresh batch: the relay "came back".
    with connect(smtp_server) as again:
        again.send_message(message(3))
    assert len(smtp_server.messages) == 2


def test_stop_refuses_connections_and_start_restores(smtp_server):
    port = smtp_server.port
    smtp_server.stop()
    with pytest.raises(ConnectionRefusedError):
        connect(smtp_server)
    smtp_server.start()
    assert smtp_server.port == port
    with connect(smtp_server) as client:
        client.send_message(message())
    assert len(smtp_server.messages) == 1


def test_unknown_mode_is_refused(smtp_server):
    with pytest.raises(ValueError):
        smtp_server.mode = 'flaky'


@pytest.fixture
def tls_server():
    with SmtpServer(tls=True, auth=('janela', 's3cret')) as server:
        yield server


def test_starttls_and_auth_work_with_the_cafile(tls_server):
    context = ssl.create_default_context(cafile=tls_server.cafile)
    for mechanism in ('LOGIN', 'PLAIN'):
        with connect(tls_server) as client:
            client.starttls(context=context)
            client.ehlo()  # auth() does not re-greet after STARTTLS, login() would
            client.user, client.password = 'janela', 's3cret'
            code, _ = client.auth(mechanism, getattr(client, 'auth_' + mechanism.lower()))
            assert code == 235
            client.send_message(message())
    assert len(tls_server.messages) == 2


def test_tls_server_refuses_mail_without_login(tls_server):
    context = ssl.create_default_context(cafile=tls_server.cafile)
    with connect(tls_server) as client:
        client.starttls(context=context)
        with pytest.raises(smtplib.SMTPSenderRefused) as err:
            client.send_message(message())
    assert err.value.smtp_code == 530
    assert tls_server.messages == []


def test_tls_server_refuses_wrong_password(tls_server):
    context = ssl.create_default_context(cafile=tls_server.cafile)
    with connect(tls_server) as client:
        client.starttls(context=context)
        with pytest.raises(smtplib.SMTPAuthenticationError) as err:
            client.login('janela', 'wrong')
    assert err.value.smtp_code == 535


def test_tls_server_requires_starttls_first(tls_server):
    with connect(tls_server) as client:
        client.ehlo()
        assert client.has_extn('starttls')
        with pytest.raises(smtplib.SMTPSenderRefused) as err:
            client.send_message(message())
    assert err.value.smtp_code == 530


def test_untrusted_certificate_is_rejected(tls_server):
    with connect(tls_server) as client, pytest.raises(ssl.SSLCertVerificationError):
        client.starttls(context=ssl.create_default_context())
