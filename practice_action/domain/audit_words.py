"""The audit trail in the practice's words: a label for every kind of entry, and field names
as a person reads them. Kinds are the stable codes the services write ("signin.ok"); nobody at
the practice should have to read those."""

from __future__ import annotations

_REGISTERS = {
    "clinician": ("clinician", "Clinicians"),
    "local_service": ("local service", "Local services"),
    "voluntary_service": ("voluntary service", "Voluntary services"),
    "data_sharing_agreement": ("data sharing agreement", "Data sharing agreements"),
}

KIND_LABELS: dict[str, str] = {
    "signin.ok": "Signed in",
    "signin.failed": "Wrong PIN",
    "signin.locked": "Sign-in refused (locked)",
    "signin.lockout": "Locked after wrong PINs",
    "signin.out": "Signed out or desk locked",
    "staff.add": "Person added",
    "staff.edit": "Person changed",
    "staff.pin": "PIN changed",
    "staff.import": "Staff imported",
    "practice.setup": "Practice set up",
    "practice.edit": "Practice profile changed",
    "practice.import": "Practice profile imported",
    "setup.export": "Set-up exported",
    "setup.import": "Set-up imported",
    "counter.settings": "Counter settings changed",
    "counter.duty": "Added to today's counter",
    "contact.record": "Contact recorded",
    "contact.urgent": "Urgent override",
    "contact.void": "Contact undone",
    "diversion.record": "Patient diverted",
    "safety.record": "Safety concern recorded",
    "safety.edit": "Safety concern corrected",
    "plan.save": "Plan version saved",
    "plan.approve": "Plan version approved",
    "plan.end_action": "Action ended",
    "plan.task": "Plan task ticked or unticked",
    "plan.custom_action": "Practice's own action added",
    "plan.add_menu": "Menu file added",
    "plan.remove_menu": "Menu file removed",
    "plan.import_menu": "Menu file imported",
    "plan.declined_request": "Declined data request logged",
    "letter.generated": "Document generated",
    "letter.printed": "Document printed",
    "letter.sent": "Document marked as sent",
    "backup.made": "Backup made",
    "backup.restored": "Backup restored",
    "evidence.export": "Evidence file exported",
    "letter_wording.change": "Letter wording changed",
    "letter_wording.restore": "Letter wording back to the shipped words",
}
for _key, (_one, _many) in _REGISTERS.items():
    KIND_LABELS[f"{_key}.add"] = f"{_one.capitalize()} added"
    KIND_LABELS[f"{_key}.edit"] = f"{_one.capitalize()} changed"
    KIND_LABELS[f"{_key}.retire"] = f"{_one.capitalize()} retired"
    KIND_LABELS[f"{_key}.restore"] = f"{_one.capitalize()} brought back"
    KIND_LABELS[f"{_key}.import"] = f"{_many} imported"

GROUP_LABELS: dict[str, str] = {
    "signin.": "Signing in, out and locks",
    "staff.": "Staff accounts",
    "practice.": "Practice set-up",
    "setup.": "Set-up files",
    "counter.": "Counter",
    "contact.": "Contacts",
    "diversion.": "Diversions",
    "safety.": "Safety log",
    "plan.": "Action plan",
    "letter.": "Letters",
    "backup.": "Backups and restores",
    "evidence.": "Evidence files",
    "letter_wording.": "Letter wording",
    **{f"{key}.": many for key, (_, many) in _REGISTERS.items()},
}

FIELD_LABELS: dict[str, str] = {
    "undo_minutes": "Undo within (minutes)",
    "type_hold_minutes": "Chosen type stays (minutes)",
    "ods_code": "ODS code",
    "icb": "ICB",
    "lmc": "LMC",
    "dsa": "Data sharing agreement",
    "pin": "PIN",
    "nhs_111": "NHS 111",
    "url": "Web address",
}


def kind_label(kind: str) -> str:
    """'signin.ok' -> 'Signed in'; a kind not yet named reads as plain words."""
    if kind in KIND_LABELS:
        return KIND_LABELS[kind]
    return " ".join(kind.replace(".", " ").replace("_", " ").split()).capitalize()


def group_label(prefix: str) -> str:
    if prefix in GROUP_LABELS:
        return GROUP_LABELS[prefix]
    return prefix.rstrip(".").replace("_", " ").capitalize()


def field_label(name: str) -> str:
    """'opening_hours' -> 'Opening hours'."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    words = name.replace("_", " ").split()
    text = " ".join(FIELD_LABELS.get(w, w) for w in words)
    return text[:1].upper() + text[1:]
