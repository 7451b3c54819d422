"""The domain model: SQLModel tables and their validated input shapes.

Importing this package registers every table on ``SQLModel.metadata``.
"""

from app.core.model.entries import MAX_COUNT, Entry, EntryContent, EntryIn, EntryRevision
from app.core.model.enums import (
    COUNT_FIELDS,
    CriterionKind,
    EntryKind,
    FrequencyUnit,
    Measure,
    PlanStatus,
    Role,
)
from app.core.model.local import LocalSetting, OutboxItem
from app.core.model.org import Officer, OfficerArea, OfficerBase, ServiceArea, ServiceAreaBase, Unit
from app.core.model.places import Place, PlaceIn
from app.core.model.plans import (
    Action,
    ActionIn,
    Channel,
    ChannelIn,
    Partner,
    PartnerIn,
    Plan,
    PlanIn,
)
from app.core.model.sync import ApiToken, LoginAttempt, SyncDevice, VersionCounter

__all__ = [
    "COUNT_FIELDS",
    "MAX_COUNT",
    "Action",
    "ActionIn",
    "ApiToken",
    "Channel",
    "ChannelIn",
    "CriterionKind",
    "Entry",
    "EntryContent",
    "EntryIn",
    "EntryKind",
    "EntryRevision",
    "FrequencyUnit",
    "LocalSetting",
    "LoginAttempt",
    "Measure",
    "Officer",
    "OfficerArea",
    "OfficerBase",
    "OutboxItem",
    "Partner",
    "PartnerIn",
    "Place",
    "PlaceIn",
    "Plan",
    "PlanIn",
    "PlanStatus",
    "Role",
    "ServiceArea",
    "ServiceAreaBase",
    "SyncDevice",
    "Unit",
    "VersionCounter",
]
