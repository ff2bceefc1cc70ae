"""Privacy requests that arrive by email: .eml and Outlook .msg files, from well-formed to hostile."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hartdesk.errors import ValidationError
from hartdesk.privacy.attachments import MAX_ATTACHMENT_BYTES, CheckedFile, check_attachment
from hartdesk.privacy.mail import (
    BAD_DATE,
    FORGED,
    GARBLED_TEXT,
    MAX_MESSAGE_BYTES,
    NO_DATE,
    MailMessage,
    parse_eml,
    parse_msg,
    read_message,
)
from tests.privacy import mailfixtures as mf

PDF = mf.make_pdf()
PNG = mf.make_png()
TXT = "Zoë's list of accounts:\nhosting, domains\n".encode()
BODY = "Dear Sir or Madam,\n\nPlease send me a copy of all the data you hold about me.\n\nZoë"
MARCH_3 = datetime(2026, 3, 3, 9, 15, tzinfo=UTC)
MARCH_4 = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)
NAMES = ["Zoë Łukasiewicz-Öztürk", "Søren Ærø"]


def read(data: bytes, filename: str = "request.eml") -> MailMessage:
    return read_message(filename, data)


def refusal(data: bytes, filename: str = "request.eml") -> str:
    with pytest.raises(ValidationError) as caught:
        read_message(filename, data)
    return caught.value.message


# ----------------------------------------------------------------------------------------------------------------
# .eml


@pytest.mark.parametrize("name", NAMES)
def test_an_eml_request_is_read_with_sender_date_subject_body_and_attachments(name: str) -> None:
    data = mf.Eml(
        sender_name=name,
        attachments=[
            ("proof of address.pdf", "application/pdf", PDF),
            ("passport.png", "image/png", PNG),
            ("accounts.txt", "text/plain", TXT),
        ],
    ).build()
    assert b"=?utf-8?" in data and b"quoted-printable" in data and b"base64" in data  # encoded as mail programs do

    msg = read(data)

    assert (msg.sender_name, msg.sender_email) == (name, "zoe.lukasiewicz@example.org")
    assert msg.sent_at == MARCH_3 and msg.sent_at.tzinfo is not None
    assert msg.subject == "Subject access request – Zoë"
    assert msg.body == BODY
    assert [(a.filename, a.media_type, a.content) for a in msg.attachments] == [
        ("proof of address.pdf", "application/pdf", PDF),
        ("passport.png", "image/png", PNG),
        ("accounts.txt", "text/plain", TXT),
    ]
    assert msg.original == CheckedFile("request.eml", "message/rfc822", data)
    assert msg.warnings == ()


def test_the_sender_domain_is_lower_cased_but_not_the_mailbox() -> None:
    msg = read(mf.Eml(sender_email="Zoe.L@Example.ORG").build())
    assert msg.sender_email == "Zoe.L@example.org"


def test_an_html_only_email_gives_its_text_without_tags_scripts_or_styles() -> None:
    html = (
        "<html><head><title>Newsletter</title><style>p { color: red }</style></head><body>"
        "<script>document.write('tracking')</script><p>Dear team,</p><p>Please erase my data &amp; my account."
        "<br>Thank you,</p><ul><li>hosting</li><li>backups</li></ul><p>Søren</p></body></html>"
    )
    msg = read(mf.Eml(text=None, html=html).build())
    assert msg.body == "Dear team,\n\nPlease erase my data & my account.\nThank you,\n\n- hosting\n- backups\n\nSøren"


def test_a_plain_text_alternative_is_preferred_to_the_html() -> None:
    msg = read(mf.Eml(html="<p>HTML version</p>").build())
    assert msg.body == BODY


def test_a_missing_date_gives_none_and_a_warning() -> None:
    msg = read(mf.Eml(date=None).build())
    assert msg.sent_at is None
    assert msg.warnings == (NO_DATE,)
    assert NO_DATE == "The email has no date; check the date it arrived."


def test_an_unreadable_date_gives_none_and_a_warning() -> None:
    msg = read(mf.raw_eml(b"Date: the day after tomorrow", b"Subject: hello"))
    assert msg.sent_at is None
    assert BAD_DATE in msg.warnings


def test_a_date_without_a_known_zone_is_still_timezone_aware() -> None:
    msg = read(mf.Eml(date="Tue, 03 Mar 2026 09:15:00 -0000").build())
    assert msg.sent_at == MARCH_3


def test_an_unknown_charset_falls_back_to_utf8() -> None:
    data = mf.raw_eml(
        b"Subject: =?x-no-such-charset?q?Caf=E9?=",
        b'Content-Type: text/plain; charset="x-no-such-charset"',
        b"Content-Transfer-Encoding: 8bit",
        body="Zoë asks for her data.\r\n".encode(),
    )
    msg = read(data)
    assert msg.body == "Zoë asks for her data."
    assert msg.subject  # decoded as well as it can be, not an error
    assert GARBLED_TEXT not in msg.warnings


def test_a_wrongly_declared_charset_is_corrected() -> None:
    data = mf.raw_eml(
        b"Subject: Caf\xe9 au lait",  # raw Latin-1 in a header, no encoding declared
        b'Content-Type: text/plain; charset="us-ascii"',
        body="Søren Ærø asks for his data.\r\n".encode(),
    )
    msg = read(data)
    assert msg.subject == "Café au lait"
    assert msg.body == "Søren Ærø asks for his data."


def test_bytes_no_charset_can_decode_are_replaced_and_the_clerk_warned() -> None:
    data = mf.raw_eml(b"Subject: hello", b'Content-Type: text/plain; charset="utf-8"', body=b"Zo\x81\x8d data\r\n")
    msg = read(data)
    assert msg.body == "Zo\ufffd\ufffd data"
    assert GARBLED_TEXT in msg.warnings


def test_broken_base64_and_quoted_printable_decode_as_far_as_they_go() -> None:
    base64 = mf.raw_eml(
        b"Subject: b64",
        b'Content-Type: text/plain; charset="utf-8"',
        b"Content-Transfer-Encoding: base64",
        body=b"SGVsbG8gWm/DqyE*&^%$\r\nnot base64 at all ===\r\n",
    )
    assert read(base64).body.startswith("Hello Zoë!")
    qp = mf.raw_eml(
        b"Subject: qp",
        b'Content-Type: text/plain; charset="utf-8"',
        b"Content-Transfer-Encoding: quoted-printable",
        body=b"Zo=C3=AB =ZZ half=\r\n line =E2=80\r\n",
    )
    assert read(qp).body.startswith("Zoë =ZZ half line")


def test_a_forwarded_email_is_kept_whole_as_one_eml_attachment() -> None:
    inner = mf.Eml(subject="Original request", attachments=[("inner.pdf", "application/pdf", PDF)]).message()
    msg = read(mf.Eml(attachments=[("passport.png", "image/png", PNG)], nested=[inner]).build())

    assert [(a.filename, a.media_type) for a in msg.attachments] == [
        ("passport.png", "image/png"),
        ("Original request.eml", "message/rfc822"),
    ]
    forwarded = read(msg.attachments[1].content, "Original request.eml")
    assert forwarded.subject == "Original request"
    assert [(a.filename, a.content) for a in forwarded.attachments] == [("inner.pdf", PDF)]


def test_a_program_named_like_a_pdf_is_left_out_with_a_warning() -> None:
    msg = read(
        mf.Eml(
            attachments=[("invoice.pdf", "application/pdf", mf.make_exe()), ("passport.png", "image/png", PNG)]
        ).build()
    )
    assert [a.filename for a in msg.attachments] == ["passport.png"]
    assert msg.warnings == (
        "'invoice.pdf' is not a PDF: its content is a Windows program. The attachment was left out.",
    )


def test_attachments_with_the_same_name_are_told_apart() -> None:
    msg = read(mf.Eml(attachments=[("image001.png", "image/png", PNG), ("image001.png", "image/png", PNG)]).build())
    assert [a.filename for a in msg.attachments] == ["image001.png", "image001 (2).png"]


def test_an_attachment_path_is_reduced_to_a_safe_name() -> None:
    msg = read(mf.Eml(attachments=[("../../etc/passwd.txt", "text/plain", b"root\n")]).build())
    assert [a.filename for a in msg.attachments] == ["passwd.txt"]


@pytest.fixture(scope="module")
def oversized_eml() -> bytes:
    """Built once: a request with a 26 MB scan (too big to keep) and a passport photo."""
    scan = b"%PDF-1.4\n" + bytes(26 * mf.MB - 9)
    return mf.Eml(attachments=[("scan.pdf", "application/pdf", scan), ("passport.png", "image/png", PNG)]).build()


def test_a_26_mb_attachment_is_left_out_and_a_copy_without_it_kept_as_the_original(oversized_eml: bytes) -> None:
    msg = read(oversized_eml)

    assert [(a.filename, a.content) for a in msg.attachments] == [("passport.png", PNG)]
    assert (
        msg.warnings[0] == "'scan.pdf' is 26 MB; hartdesk keeps attachments up to 25 MB. The attachment was left out."
    )
    assert msg.warnings[1].startswith("The email file is 35.")
    assert msg.warnings[1].endswith("the copy kept with the request leaves out the contents of 'scan.pdf'.")

    assert msg.original is not None
    assert msg.original.filename == "request (large attachments removed).eml"
    assert msg.original.media_type == "message/rfc822"
    assert len(msg.original.content) <= MAX_ATTACHMENT_BYTES
    copy = read(msg.original.content)
    assert (copy.subject, copy.body, copy.sent_at) == (msg.subject, msg.body, msg.sent_at)
    assert [a.filename for a in copy.attachments] == ["scan.pdf (removed).txt", "passport.png"]
    note = copy.attachments[0].content.decode()
    assert "'scan.pdf'" in note and "It was not kept: 'scan.pdf' is 26 MB" in note


def test_an_email_over_25_mb_whose_attachments_fit_keeps_them_and_a_lighter_copy() -> None:
    scan = b"%PDF-1.4\n" + bytes(20 * mf.MB)
    msg = read(mf.Eml(attachments=[("scan.pdf", "application/pdf", scan)]).build())
    assert [(a.filename, a.content == scan) for a in msg.attachments] == [("scan.pdf", True)]
    assert msg.original is not None and len(msg.original.content) < 10_000
    note = read(msg.original.content).attachments[0].content.decode()
    assert "It is kept with the request as a separate file." in note


def test_two_from_lines_give_a_forgery_warning() -> None:
    data = mf.add_raw_headers(mf.Eml().build(), [b"From: Zoe <zoe@elsewhere.example>"])
    msg = read(data)
    assert msg.sender_email == "zoe@elsewhere.example"  # what is there is read: the first From
    assert msg.warnings == (f"The email gives more than one From address. {FORGED}",)
    assert FORGED == "The sender's address can be forged: confirm who they are before answering."


def test_replies_going_to_another_domain_give_a_forgery_warning() -> None:
    msg = read(mf.Eml(headers=[("Reply-To", "collector@elsewhere.example")]).build())
    assert msg.warnings == (f"The email's Reply-To address is in a different domain from its From address. {FORGED}",)


def test_several_doubtful_addresses_are_named_in_one_warning() -> None:
    headers = [("Reply-To", "a@elsewhere.example"), ("Return-Path", "<bounce@other.example>")]
    msg = read(mf.Eml(headers=headers).build())
    assert msg.warnings == (
        f"The email's Reply-To and Return-Path addresses are in a different domain from its From address. {FORGED}",
    )


def test_a_sender_in_a_subdomain_of_the_from_domain_is_not_doubtful() -> None:
    headers = [("Sender", "list@mail.example.org"), ("Return-Path", "<bounces@bounce.example.org>")]
    assert read(mf.Eml(headers=headers).build()).warnings == ()


def test_line_breaks_smuggled_in_an_encoded_subject_are_flattened_and_warned_about() -> None:
    msg = read(mf.raw_eml(b"Subject: =?utf-8?q?Hello=0D=0ABcc:_victim@example.com?="))
    assert msg.subject == "Hello Bcc: victim@example.com"
    assert msg.warnings == (f"The email's header lines contain hidden line breaks. {FORGED}",)


def test_a_lone_carriage_return_in_the_headers_is_warned_about() -> None:
    msg = read(mf.raw_eml(b"Subject: hello\rFrom: boss@elsewhere.example"))
    assert any("hidden line breaks" in w for w in msg.warnings)


def test_extremely_long_headers_are_cut_for_display() -> None:
    data = mf.raw_eml(b"Subject: " + "Zoë ".encode() * 5000, b"X-Padding: " + b"x" * 100_000)
    data = data.replace(b"From: Zoe", b"From: " + b"Zoe " * 5000)
    msg = read(data)
    assert len(msg.subject) == 300 and msg.subject.endswith("…")
    assert len(msg.sender_name) <= 200
    assert msg.sender_email == "zoe@example.org"


def test_an_email_without_a_sender_is_read_with_a_warning() -> None:
    msg = read(b"Subject: no sender\r\nDate: Tue, 03 Mar 2026 09:15:00 +0000\r\n\r\nHello\r\n")
    assert (msg.sender_name, msg.sender_email) == ("", "")
    assert "The email has no readable sender address; find out who sent it before answering." in msg.warnings


# ----------------------------------------------------------------------------------------------------------------
# .msg


def test_the_msg_writer_emits_a_compound_file_outlook_can_read() -> None:
    data = mf.Msg().build()
    assert data[:8] == mf.OLE_SIGNATURE and len(data) % 512 == 0


@pytest.mark.parametrize("name", NAMES)
def test_an_outlook_msg_request_is_read_with_sender_date_subject_body_and_attachments(name: str) -> None:
    data = mf.Msg(sender_name=name, attachments=[("proof of address.pdf", PDF), ("passport.png", PNG)]).build()

    msg = read(data, "request.msg")

    assert (msg.sender_name, msg.sender_email) == (name, "soren.aero@example.dk")
    assert msg.sent_at == MARCH_4
    assert msg.subject == "Anmodning om indsigt – Søren Ærø"
    assert msg.body == "Hello,\nPlease tell me what personal data you hold about me.\nSøren"
    assert [(a.filename, a.media_type, a.content) for a in msg.attachments] == [
        ("proof of address.pdf", "application/pdf", PDF),
        ("passport.png", "image/png", PNG),
    ]
    assert msg.original == CheckedFile("request.msg", "application/vnd.ms-outlook", data)
    assert msg.warnings == ()


def test_the_kind_of_file_is_decided_by_its_content_not_its_name() -> None:
    outlook = read(mf.Msg().build(), "request.eml")
    assert outlook.subject == "Anmodning om indsigt – Søren Ærø"
    assert outlook.original is not None and outlook.original.filename == "request.msg"
    plain = read(mf.Eml().build(), "request.msg")
    assert plain.sender_email == "zoe.lukasiewicz@example.org"
    assert plain.original is not None and plain.original.filename == "request.eml"


def test_an_outlook_message_without_internet_headers_takes_the_time_outlook_sent_it() -> None:
    sent = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)
    msg = read(mf.Msg(sent=sent, transport_date=None).build(), "request.msg")
    assert msg.sent_at == sent
    assert msg.sender_name == "Søren Ærø"


def test_an_outlook_message_without_any_date_gives_a_warning() -> None:
    msg = read(mf.Msg(sent=None, transport_date=None).build(), "draft.msg")
    assert msg.sent_at is None
    assert msg.warnings == (NO_DATE,)


def test_an_html_only_outlook_message_gives_its_text() -> None:
    html = "<html><body><p>Please <b>delete</b> my account.</p><script>steal()</script></body></html>"
    msg = read(mf.Msg(body=None, html=html).build(), "request.msg")
    assert msg.body == "Please delete my account."


def test_an_attached_outlook_message_is_kept_as_an_msg_file() -> None:
    inner = mf.Msg(subject="Earlier request", sender_name="Zoë Łukasiewicz-Öztürk")
    msg = read(mf.Msg(nested=[inner], attachments=[("passport.png", PNG)]).build(), "request.msg")
    assert [(a.filename, a.media_type) for a in msg.attachments] == [
        ("passport.png", "image/png"),
        ("Earlier request.msg", "application/vnd.ms-outlook"),
    ]
    earlier = read(msg.attachments[1].content, "Earlier request.msg")
    assert (earlier.subject, earlier.sender_name) == ("Earlier request", "Zoë Łukasiewicz-Öztürk")


def test_a_program_attached_to_an_outlook_message_is_left_out() -> None:
    msg = read(mf.Msg(attachments=[("invoice.pdf", mf.make_exe())]).build(), "request.msg")
    assert msg.attachments == ()
    assert msg.warnings == (
        "'invoice.pdf' is not a PDF: its content is a Windows program. The attachment was left out.",
    )


def test_doubtful_internet_headers_of_an_outlook_message_give_a_warning() -> None:
    msg = read(mf.Msg(extra_headers="Reply-To: collector@elsewhere.example\r\n").build(), "request.msg")
    assert msg.warnings == (f"The email's Reply-To address is in a different domain from its From address. {FORGED}",)


def test_an_outlook_file_over_25_mb_is_not_kept_but_its_attachments_that_fit_are() -> None:
    scan = b"%PDF-1.4\n" + bytes(26 * mf.MB - 9)
    data = mf.Msg(attachments=[("scan.pdf", scan), ("passport.png", PNG)]).build()
    msg = read(data, "request.msg")
    assert msg.original is None
    assert [a.filename for a in msg.attachments] == ["passport.png"]
    assert msg.warnings == (
        "'scan.pdf' is 26 MB; hartdesk keeps attachments up to 25 MB. The attachment was left out.",
        "The Outlook file is 26.3 MB, over the 25 MB hartdesk keeps, so it was not kept with the request; "
        "its attachments that fit were kept.",
    )


def test_reading_an_outlook_message_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    """extract-msg logs fragments of what it reads; hartdesk's log must hold no personal data."""
    damaged = bytearray(mf.Msg(attachments=[("passport.png", PNG)]).build())
    damaged[1200:1300] = bytes(100)
    with caplog.at_level(logging.DEBUG):
        read(mf.Msg().build(), "request.msg")
        with pytest.raises(ValidationError):
            read(bytes(damaged[:2000]), "damaged.msg")
    # tzlocal may note the machine's time zone the first time a date is read: no personal data there.
    assert [r.name for r in caplog.records if not r.name.startswith("tzlocal")] == []


# ----------------------------------------------------------------------------------------------------------------
# Files that are not emails


def test_garbage_is_refused_with_a_plain_sentence() -> None:
    assert refusal(bytes(range(256)) * 8, "scan.eml") == (
        "'scan.eml' could not be read as an email: it does not look like an email (it has no sender, date or subject)."
    )


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"", "request.eml") == "'request.eml' could not be read as an email: the file is empty."


def test_an_office_document_is_not_an_outlook_email() -> None:
    message = refusal(mf.make_legacy_office("WordDocument"), "request.msg")
    assert message == "'request.msg' could not be read as an email: it is not an Outlook email."


def test_a_damaged_outlook_file_is_refused() -> None:
    message = refusal(mf.OLE_SIGNATURE + bytes(3000), "request.msg")
    assert message == "'request.msg' could not be read as an email: the Outlook file is damaged."


def test_a_non_outlook_file_given_to_parse_msg_is_refused() -> None:
    with pytest.raises(ValidationError, match="it is not an Outlook file"):
        parse_msg("request.msg", mf.Eml().build())


def test_an_outlook_file_given_to_parse_eml_is_refused() -> None:
    with pytest.raises(ValidationError, match="it does not look like an email"):
        parse_eml("request.eml", mf.Msg().build())


def test_a_file_over_100_mb_is_refused_before_parsing() -> None:
    assert refusal(b"x" * (MAX_MESSAGE_BYTES + 1), "huge.eml") == (
        "'huge.eml' is 100.1 MB; hartdesk reads emails up to 100 MB."
    )


def test_the_file_name_in_a_refusal_is_made_safe() -> None:
    assert refusal(b"", "../../secret/\x1b[31mred.eml").startswith("'[31mred.eml' could not be read")


# ----------------------------------------------------------------------------------------------------------------
# Fuzzing: whatever arrives, read_message returns a MailMessage or raises ValidationError, nothing else.

SEED_EML = mf.Eml(
    text="Zoë asks: please send my data.\n",
    html="<p>Zoë asks: <b>please</b> send my data.</p>",
    attachments=[("passport.png", "image/png", PNG), ("accounts.txt", "text/plain", TXT)],
    nested=[mf.Eml(subject="Earlier", attachments=[("a.txt", "text/plain", b"hello\n")]).message()],
    headers=[("Reply-To", "zoe@example.org")],
).build()
SEED_MSG = mf.Msg(attachments=[("accounts.txt", TXT)], nested=[mf.Msg(subject="Earlier")]).build()
FRAGMENTS = [b"\r", b"\n", b"\r\n\r\n", b"\x00", b"\xff\xfe", b"=?utf-8?b?", b"=?x?q?=E9", b"?=", b"=", b":", b";"]
FRAGMENTS += [b"--", b'"', b"<", b"@", b"Content-Type: message/rfc822\r\n", b"boundary=", b"base64", b"\t"]


@st.composite
def mutations(draw: st.DrawFn, seed: bytes, structure: int, keep: int = 0, shift: bool = True) -> bytes:
    """``seed`` with a few bytes changed, fragments inserted or bytes cut, and one time in five truncated. Half of
    the changes land in the first ``structure`` bytes, where the headers (or the Compound File's header, FAT and
    directory) are. For a Compound File, ``keep`` spares the signature and ``shift=False`` only overwrites bytes
    (an insertion moves every later sector and wrecks the file), so that most examples reach extract-msg."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        limit = min(len(data), structure) if draw(st.booleans()) else len(data)
        at = draw(st.integers(min(keep, len(data)), max(keep, limit - 1)))
        action = draw(st.sampled_from(["set", "insert", "delete"])) if shift else "set"
        if action == "set" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.sampled_from(FRAGMENTS) | st.binary(min_size=1, max_size=8))
        else:
            del data[at : at + draw(st.integers(1, 64))]
    if draw(st.integers(0, 4)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


def assert_reads_or_refuses(data: bytes, filename: str) -> None:
    try:
        msg = read_message(filename, data)
    except ValidationError as exc:
        assert exc.message.startswith("'")
        return
    assert isinstance(msg, MailMessage)
    assert len(msg.subject) <= 300
    assert msg.sent_at is None or msg.sent_at.tzinfo is not None
    assert all(isinstance(a, CheckedFile) and a.content for a in msg.attachments)
    assert all(isinstance(w, str) and w for w in msg.warnings)
    if msg.original is not None:  # hartdesk.privacy.requests checks it again when it is stored
        assert check_attachment(msg.original.filename, msg.original.content).content == msg.original.content


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes_are_read_or_refused(data: bytes) -> None:
    assert_reads_or_refuses(data, "random.eml")


@FUZZ
@given(data=mutations(SEED_EML, structure=1500))
def test_a_damaged_eml_is_read_or_refused(data: bytes) -> None:
    assert_reads_or_refuses(data, "damaged.eml")


@FUZZ
@given(data=mutations(SEED_MSG, structure=3 * 512, keep=len(mf.OLE_SIGNATURE), shift=False))
def test_a_damaged_msg_is_read_or_refused(data: bytes) -> None:
    assert_reads_or_refuses(data, "damaged.msg")
