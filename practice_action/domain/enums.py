"""The fixed lists the practice chooses from, with the words shown to people."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a label for people; the value is what is stored."""

    label: str

    def __new__(cls, value: str, label: str) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def from_label(cls, label: str) -> LabelledEnum:
        for member in cls:
            if member.label == label:
                return member
        raise ValueError(f"{label!r} is not a {cls.__name__}")


class ClinicianRole(LabelledEnum):
    GP_PARTNER = ("gp_partner", "GP partner")
    SALARIED_GP = ("salaried_gp", "Salaried GP")
    LOCUM_GP = ("locum_gp", "Locum GP")
    ANP = ("anp", "Advanced nurse practitioner")
    PHARMACIST = ("clinical_pharmacist", "Clinical pharmacist")
    OTHER = ("other", "Other clinician")


class ServiceKind(LabelledEnum):
    NHS_111 = ("nhs_111", "NHS 111")
    PHARMACY_FIRST = ("pharmacy_first", "Pharmacy First")
    UTC = ("urgent_treatment_centre", "Urgent treatment centre")
    WALK_IN = ("walk_in_centre", "Walk-in centre")
    MIU = ("minor_injuries_unit", "Minor injuries unit")
    CRISIS_LINE = ("mental_health_crisis_line", "Mental-health crisis line")
    OTHER = ("other", "Other")


class DsaPurpose(LabelledEnum):
    DIRECT_CARE = ("direct_care", "Direct care")
    SECONDARY = ("secondary", "Secondary purposes only")
    MIXED = ("mixed", "Mixed")


class RecipientKind(LabelledEnum):
    """Who a letter goes to: the wording differs, since a trust does not commission."""

    COMMISSIONER = ("commissioner", "ICB or other commissioner")
    TRUST = ("trust", "NHS trust")
    DATA_CONTROLLER = ("data_controller", "Other data controller")


class ServiceBasis(LabelledEnum):
    """On what terms the practice provides a voluntary service."""

    NO_AGREEMENT = ("none", "No agreement: done without a contract")
    LOCAL_AGREEMENT = ("local_agreement", "Local enhanced or locally commissioned service")


class DpiaStatus(LabelledEnum):
    """Whether a data protection impact assessment exists for an agreement."""

    NOT_KNOWN = ("not_known", "Not known")
    EXISTS = ("exists", "Yes, a DPIA exists")
    NONE = ("none", "No DPIA")


class Requirement(LabelledEnum):
    """Whether the practice must share under an agreement: such sharing cannot be withdrawn."""

    VOLUNTARY = ("voluntary", "Neither: the practice chose to sign it")
    CONTRACT = ("contract", "The GP contract requires it")
    LAW = ("law", "The law requires it")


class StaffRole(LabelledEnum):
    PRACTICE_MANAGER = ("practice_manager", "Practice manager")
    PARTNER = ("partner", "Partner")
    RECEPTIONIST = ("receptionist", "Receptionist")


class Weekday(LabelledEnum):
    MON = ("mon", "Monday")
    TUE = ("tue", "Tuesday")
    WED = ("wed", "Wednesday")
    THU = ("thu", "Thursday")
    FRI = ("fri", "Friday")
    SAT = ("sat", "Saturday")
    SUN = ("sun", "Sunday")

    @property
    def index(self) -> int:
        """Monday is 0, as ``date.weekday()`` counts."""
        return list(Weekday).index(self)

    @property
    def short(self) -> str:
        return self.label[:3]


class Session(LabelledEnum):
    AM = ("am", "Morning")
    PM = ("pm", "Afternoon")


class ContactType(LabelledEnum):
    """GP Appointments Data categories, the taxonomy practices already know."""

    FACE_TO_FACE = ("face_to_face", "Face to face")
    HOME_VISIT = ("home_visit", "Home visit")
    TELEPHONE = ("telephone", "Telephone")
    VIDEO = ("video", "Video")
    ONLINE = ("online", "Online / written")


class DivertDestination(LabelledEnum):
    """Where reception sends a patient when the clinician (or the practice) is full."""

    NHS_111 = ("nhs_111", "NHS 111")
    PHARMACY_FIRST = ("pharmacy_first", "Pharmacy First")
    UTC = ("urgent_treatment_centre", "Urgent treatment centre")
    NEXT_ROUTINE = ("next_routine", "Next routine appointment")
    OTHER = ("other", "Other")

    @property
    def service_kinds(self) -> tuple[ServiceKind, ...]:
        """The local-service kinds that fit this destination, for the divert panel."""
        return {
            DivertDestination.NHS_111: (ServiceKind.NHS_111,),
            DivertDestination.PHARMACY_FIRST: (ServiceKind.PHARMACY_FIRST,),
            DivertDestination.UTC: (ServiceKind.UTC, ServiceKind.WALK_IN, ServiceKind.MIU),
            DivertDestination.NEXT_ROUTINE: (),
            DivertDestination.OTHER: (ServiceKind.CRISIS_LINE, ServiceKind.OTHER),
        }[self]


class CounterState(LabelledEnum):
    """A clinician's state on the counter, always shown in words as well as colour."""

    COUNTING = ("counting", "Counting (no cap in force)")
    OPEN = ("open", "Open")
    NEARLY_FULL = ("nearly_full", "Nearly full")
    FULL = ("full", "Full: divert")
