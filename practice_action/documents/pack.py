"""Every document of a plan in one go, checked as a whole before anything is drawn."""

from __future__ import annotations

import re

from practice_action.documents import completeness, letters, notices
from practice_action.documents.model import DocumentPack


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "document"


def _unique(taken: dict[str, bytes], stem: str) -> str:
    """Two letters to parties with the same name still get a file each."""
    name, number = f"{stem}.pdf", 2
    while name in taken:
        name, number = f"{stem}-{number}.pdf", number + 1
    return name


def render_pack(pack: DocumentPack) -> dict[str, bytes]:
    """File name -> contents for every document of the pack.

    One ``MissingData`` error lists every gap across all the documents, so the practice
    fixes them in one pass.
    """
    completeness.require(completeness.check_pack(pack))
    out: dict[str, bytes] = {}
    for letter in pack.service_notices:
        name = _unique(out, f"notice-voluntary-services-{_slug(letter.recipient.name)}")
        out[name] = letters.voluntary_services_notice(letter)
    for letter in pack.withdrawals:
        name = _unique(out, f"withdrawal-data-sharing-{_slug(letter.agreement)}")
        out[name] = letters.data_sharing_withdrawal(letter)
    if pack.service_changes is not None:
        out["notification-service-changes.pdf"] = letters.service_changes_notification(
            pack.service_changes
        )
    if pack.referral_template is not None:
        out["referral-letter-template.pdf"] = letters.referral_letter_template(
            pack.referral_template
        )
    if pack.notice is not None:
        notice = pack.notice
        out["patient-notice-poster-a4.pdf"] = notices.poster(notice)
        out["patient-notice-leaflet-a5.pdf"] = notices.leaflet(notice)
        out["patient-notice-large-print-a4.pdf"] = notices.large_print(notice)
        out["patient-notice-website.html"] = notices.website_html(notice).encode("utf-8")
        out["patient-notice-website.txt"] = notices.website_text(notice).encode("utf-8")
        out["patient-notice-text-message.txt"] = (notices.text_message(notice) + "\n").encode(
            "utf-8"
        )
    return out
