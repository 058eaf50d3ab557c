"""Where a published sheet may link to, in one place: the texts' links and the contact's e-mail and web site.

A link of the PDF or the web page is an absolute https:, http: or mailto: address, or a place inside the
document (#...). Anything else is refused: WeasyPrint resolves a relative, climbing or protocol-relative
link (annex.pdf, ../../etc/passwd, //server/share) against the HTML file's own address, so the published
PDF would link to file:// on the machine that built it; other schemes (javascript:, data:, file:, ftp:)
are not a place a reader can go.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

WEB_SCHEMES = ("https", "http")
EXPECTED = ("expected a full web address (https://...), an e-mail address (mailto:name@example.org) or a "
            "place in the sheet (#...)")
# A web host: dot-separated labels of letters, digits and inner hyphens, ending in a top-level domain of
# letters (or its punycode form); so no bare name (localhost, intranet) and no IP address.
HOST = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:[^\W\d_]{2,}|xn--[a-z0-9-]+)")
# An e-mail address, deliberately narrower than RFC 5322: letters, digits and . _ + - before the @ (no
# leading, trailing or doubled dot), a host name as above after it (ASCII only), at most 254 characters.
EMAIL = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"
                   r"[A-Za-z]{2,}")
MAX_EMAIL = 254
EMAIL_EXPECTED = ("expected an e-mail address such as name@example.org (letters, digits and . _ + - before the @, "
                  "a domain name after it)")
WEB_SITE_EXPECTED = "expected an https: web site, such as ilo.org/partnerships or https://www.ilo.org/partnerships"


def _hidden_characters(value: str) -> bool:
    """Spaces, control characters and invisible format characters (a zero-width space, a direction mark)."""
    return any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in value)


def _host_problem(parts) -> str | None:
    """Why the host part of an http(s) address (split) cannot be used, or None."""
    if not parts.netloc:
        return f"has no host name ({parts.scheme}://host.org/...)"
    if parts.username is not None or parts.password is not None:
        return "carries a user name or password before its host"
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number from 0 to 65535
    except ValueError:
        return "has a port that is not a number from 0 to 65535"
    if not HOST.fullmatch(parts.hostname or ""):
        return "does not name a web host (like www.ilo.org)"
    return None


def link_problem(target: str) -> str | None:
    """Why a link of a text (its target as written) cannot be published, with the target and what was
    expected; None for an https:, http: or mailto: address, or a #place in the sheet."""
    if _hidden_characters(target):
        return f"{target!r} holds a space or an invisible character; {EXPECTED} (write a space as %20)"
    if "\\" in target:
        return f"{target!r} holds a backslash (\\); {EXPECTED}"
    if target.startswith("#"):
        return None if len(target) > 1 else f"{target!r} names no place; {EXPECTED}"
    parts = urlsplit(target)
    scheme = parts.scheme.lower()
    if not scheme:
        if target.startswith("//"):
            return (f"{target!r} has no scheme (it starts with //): the PDF would turn it into a file:// link to "
                    f"the machine that built it; {EXPECTED}")
        hidden = urlsplit(unquote(target)).scheme
        if hidden:
            return f"{target!r} hides the scheme '{hidden}:' behind percent-escapes; {EXPECTED}"
        return (f"{target!r} is a relative address: the PDF would turn it into a file:// link to the machine that "
                f"built it; {EXPECTED}")
    if scheme in WEB_SCHEMES:
        host = _host_problem(parts)
        return f"{target!r} {host}; {EXPECTED}" if host else None
    if scheme == "mailto":
        return f"{target!r} holds no e-mail address after mailto:; {EMAIL_EXPECTED}" if email_problem(parts.path) \
            else None
    return f"{target!r} uses the scheme '{scheme}:', which a published sheet does not link to; {EXPECTED}"


def email_problem(address: str) -> str | None:
    """Why ``address`` is not an e-mail address the sheet can link to (mailto:), or None (the reason and what
    was expected; the caller shows the address)."""
    if len(address) <= MAX_EMAIL and EMAIL.fullmatch(address):
        return None
    return f"not an e-mail address; {EMAIL_EXPECTED}"


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def web_site_url(value: str) -> str:
    """The address a contact's web site links to: as typed when it starts with https://, else https:// and
    the value (ilo.org/partnerships -> https://ilo.org/partnerships)."""
    return value if value[:8].lower() == "https://" else f"https://{value}"


def web_site_problem(value: str) -> str | None:
    """Why a contact's web site (``ilo.org/partnerships`` or ``https://...``) cannot be linked, or None (the
    reason and what was expected; the caller shows the value)."""
    if _hidden_characters(value) or "\\" in value:
        return f"holds a space, a backslash or an invisible character; {WEB_SITE_EXPECTED}"
    typed = _SCHEME.match(value)
    if typed and "." not in typed.group(1) and value[:8].lower() != "https://":  # 'ilo.org:8443/x' is a host
        return f"uses the scheme '{typed.group(1)}:'; {WEB_SITE_EXPECTED}"
    if value.startswith("/"):
        return f"has no host name; {WEB_SITE_EXPECTED}"
    host = _host_problem(urlsplit(web_site_url(value)))
    return f"{host}; {WEB_SITE_EXPECTED}" if host else None


def unsafe_hrefs(html: str) -> list[str]:
    """The link targets of ``html`` (an <a>'s href, HTML entities decoded) that :func:`link_problem` refuses."""
    from html import unescape

    targets = re.findall(r'<a\b[^>]*?\shref="([^"]*)"', html, flags=re.I)
    return [href for href in map(unescape, targets) if link_problem(href)]
