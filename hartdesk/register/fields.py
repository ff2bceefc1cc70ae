"""Checking and normalising what people type: emails, phones, postcodes, VAT numbers, countries, dates, money.

Each ``check_*`` returns the value in its stored form or raises :class:`ValidationError` with a sentence a clerk can
act on. Libraries do the real work: email-validator (syntax only, never DNS), phonenumbers, python-stdnum, pycountry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from hartdesk.dates import format_uk_date
from hartdesk.errors import ValidationError

DEFAULT_REGION = "GB"
# The UK postcode format (Royal Mail's, with the special cases GIR 0AA and the British Forces BFPO not included).
__all__ = ["format_uk_date"]  # re-exported: the register writes retention dates with it
_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
UK_COUNTRIES = {"GB", "GG", "JE", "IM"}


def fold(text: str) -> str:
    """Lower case without accents, for sorting and searching ("Öztürk" → "ozturk", "Łukasiewicz" → "lukasiewicz")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_NOT_DECOMPOSED)


# Letters that Unicode does not decompose into a base letter and an accent.
_NOT_DECOMPOSED = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ħ": "h", "ı": "i"})


def clean_text(value: str, what: str, max_length: int, required: bool = False) -> str:
    """Trimmed single-line text; control characters refused (they break letters and CSV files)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    text = " ".join(value.split()) if "\n" not in value else value.strip()
    if required and not text:
        raise ValidationError(f"Enter the {what}.")
    if len(text) > max_length:
        raise ValidationError(f"The {what} is too long ({len(text)} characters; at most {max_length}).")
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise ValidationError(f"The {what} contains control characters; type it again.")
    return text


def check_email(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    text = value.strip()
    if not text:
        raise ValidationError("Enter an email address.")
    try:
        return str(validate_email(text, check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise ValidationError(f"“{text}” is not a valid email address: {exc}") from None


def check_phone(value: str, region: str = DEFAULT_REGION) -> str:
    """Any common way of writing a phone number → E.164 (+442079460018)."""
    import phonenumbers

    text = value.strip()
    if not text:
        raise ValidationError("Enter a phone number.")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"“{text}” is not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"“{text}” is not a valid phone number (check the number of digits and the code).")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


@lru_cache(maxsize=8192)
def format_phone(e164: str) -> str:
    """UK numbers in national format (020 7946 0018), others in international format (+33 1 23 45 67 89)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def phone_digits(e164: str) -> list[str]:
    """The digit strings a person might type to find this number: international and national."""
    import phonenumbers

    digits = e164.lstrip("+")
    try:
        national = phonenumbers.national_significant_number(phonenumbers.parse(e164, DEFAULT_REGION))
    except phonenumbers.NumberParseException:
        return [digits]
    prefix = "0" if e164.startswith("+44") else ""
    return [digits, prefix + national]


def check_postcode(value: str, country: str = "GB") -> str:
    """UK postcodes are checked and written the Royal Mail way ("SW1A 1AA"); others are kept as typed."""
    text = " ".join(value.upper().split())
    if country.upper() not in UK_COUNTRIES:
        return clean_text(value, "postcode", 16)
    if not text:
        raise ValidationError("Enter the postcode.")
    match = _UK_POSTCODE.match(text)
    if not match:
        raise ValidationError(f"“{value.strip()}” is not a UK postcode (for example SW1A 1AA).")
    return f"{match.group(1)} {match.group(2)}"


def check_vat(value: str) -> str:
    """A UK or EU VAT number, stored compact with its country prefix (GB980780684)."""
    from stdnum.eu import vat as eu_vat
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.gb import vat as gb_vat

    text = value.strip()
    if not text:
        return ""
    compact = re.sub(r"[\s.\-/]", "", text).upper()
    if compact[:2].isdigit():
        compact = "GB" + compact
    try:
        if compact.startswith(("GB", "XI")):
            gb_vat.validate(compact[2:])
        else:
            compact = eu_vat.validate(compact)
    except StdnumError:
        raise ValidationError(f"“{text}” is not a valid VAT number (for example GB980780684).") from None
    return compact


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    import pycountry

    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    names["GB"] = "United Kingdom"
    return names


def countries() -> list[tuple[str, str]]:
    """(code, name) for every ISO 3166 country, by name."""
    return sorted(_countries().items(), key=lambda item: fold(item[1]))


def country_name(code: str) -> str:
    return _countries().get(code.upper(), code)


def check_country(value: str) -> str:
    """An ISO 3166 alpha-2 code, from a code ("de") or a name ("Germany", "United Kingdom", "UK")."""
    text = value.strip()
    if not text:
        return "GB"
    upper = text.upper()
    if upper in {"UK", "GREAT BRITAIN", "ENGLAND", "SCOTLAND", "WALES", "NORTHERN IRELAND"}:
        return "GB"
    if upper in _countries():
        return upper
    folded = fold(text)
    for code, name in _countries().items():
        if fold(name) == folded:
            return code
    import pycountry

    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        raise ValidationError(f"“{text}” is not a country we know (use a name or a code such as FR).") from None


def check_date(value: str, what: str, required: bool = False) -> date | None:
    """ISO dates (2026-03-31) or UK-style day/month/year (31/03/2026)."""
    text = value.strip()
    if not text:
        if required:
            raise ValidationError(f"Enter the {what}.")
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        match = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        pass
    raise ValidationError(f"“{text}” is not a date for the {what} (write it as 2026-03-31 or 31/03/2026).")


def parse_pounds(value: str, what: str = "amount") -> int:
    """ "£1,234.50" or "1234.5" → 123450 pence, exactly (Decimal, never float)."""
    text = value.strip().replace("£", "").replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"“{value.strip()}” is not an amount of money for the {what}.") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or abs(amount) >= 10**9:
        raise ValidationError(f"“{value.strip()}” is not an amount in pounds and pence for the {what}.")
    return int(amount * 100)


def format_pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def check_domain(value: str) -> str:
    """A domain name in lower case, as typed in Unicode or in its xn-- form ("zoë.example" is kept as typed)."""
    import idna

    text = value.strip().lower().rstrip(".")
    if text.startswith(("http://", "https://")):
        text = text.split("://", 1)[1].split("/", 1)[0]
    try:
        ascii_form = idna.encode(text, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise ValidationError(f"“{value.strip()}” is not a domain name (for example example.co.uk).") from None
    labels = ascii_form.split(".")
    if len(labels) < 2 or len(ascii_form) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValidationError(f"“{value.strip()}” is not a domain name (for example example.co.uk).")
    return text


class Problems:
    """Collects what is wrong with a form, field by field, so every problem is reported at once (``FormError``)."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def check(self, key: str, fn: Callable[..., Any], value: Any, *args: Any) -> Any:
        """``fn(value, *args)``; on a ValidationError, remember its message under ``key`` and give back ``value``."""
        try:
            return fn(value, *args)
        except ValidationError as exc:
            self.found.setdefault(key, exc.message)
            return value

    def add(self, key: str, message: str) -> None:
        self.found.setdefault(key, message)

    def __contains__(self, key: str) -> bool:
        return key in self.found

    def raise_any(self) -> None:
        from hartdesk.errors import FormError

        if self.found:
            raise FormError(self.found)
