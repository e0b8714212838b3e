"""Per-org sObject schema: standard objects, custom fields, value coercion.

The schema is data, so describe, SOQL field resolution and write validation all read
the same definitions, and an org can declare ``*__c`` fields at construction or later
through the admin endpoint.
"""

import re
from dataclasses import dataclass

from .errors import SalesforceError
from .ids import KEY_PREFIXES, fmt_dt, parse_dt, to18

TEXT_TYPES = {"string", "textarea", "picklist", "email", "phone", "url", "id"}
NUMBER_TYPES = {"double", "currency", "percent"}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CUSTOM_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*__c$")


@dataclass
class Field:
    name: str
    type: str = "string"
    required: bool = False
    createable: bool = True
    updateable: bool = True
    external_id: bool = False
    unique: bool = False
    case_sensitive: bool = False
    reference_to: str | None = None
    relationship_name: str | None = None
    child_name: str | None = None
    length: int = 255
    custom: bool = False
    default: object = None

    def describe(self):
        return {
            "name": self.name,
            "label": self.name.replace("__c", "").replace("_", " "),
            "type": self.type,
            "length": self.length if self.type in TEXT_TYPES else 0,
            "nillable": not self.required and self.type != "boolean",
            "createable": self.createable,
            "updateable": self.updateable,
            "externalId": self.external_id,
            "idLookup": self.external_id or self.name == "Id",
            "unique": self.unique,
            "caseSensitive": self.case_sensitive,
            "custom": self.custom,
            "calculated": not self.createable and not self.updateable,
            "defaultedOnCreate": self.default is not None,
            "referenceTo": [self.reference_to] if self.reference_to else [],
            "relationshipName": self.relationship_name,
            "picklistValues": [],
        }

    def coerce(self, value):
        """Return the stored form of ``value`` or raise JSON_PARSER_ERROR."""
        if value is None:
            return None
        try:
            return _COERCE[self.type](self, value)
        except (TypeError, ValueError) as exc:
            raise SalesforceError(
                "JSON_PARSER_ERROR",
                f"Cannot deserialize instance of {self.type} from value {value!r} "
                f"for field {self.name}",
                fields=[self.name],
            ) from exc


def _text(field, value):
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(value)
    value = str(value)
    if len(value) > field.length:
        raise SalesforceError(
            "STRING_TOO_LONG",
            f"{field.name}: data value too large: {value[:40]} "
            f"(max length={field.length})",
            fields=[field.name],
        )
    return value


def _number(field, value):
    if isinstance(value, bool):
        raise TypeError(value)
    number = float(value)
    return int(number) if number.is_integer() and field.type == "int" else number


def _int(field, value):
    if isinstance(value, bool) or float(value) != int(float(value)):
        raise ValueError(value)
    return int(float(value))


def _boolean(field, value):
    if not isinstance(value, bool):
        raise TypeError(value)
    return value


def _date(field, value):
    if not isinstance(value, str) or not _DATE_RE.match(value[:10]):
        raise ValueError(value)
    return value[:10]


def _datetime(field, value):
    return fmt_dt(parse_dt(value))


def _reference(field, value):
    full = to18(value)
    if full is None:
        raise SalesforceError(
            "MALFORMED_ID",
            f"{field.name}: id value of incorrect type: {value}",
            fields=[field.name],
        )
    return full


_COERCE = {
    **dict.fromkeys(TEXT_TYPES, _text),
    **dict.fromkeys(NUMBER_TYPES, _number),
    "int": _int,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
    "reference": _reference,
}


def _ro(name, type_, **kw):
    return Field(name, type_, createable=False, updateable=False, **kw)


def _ref(name, target, rel, child=None, **kw):
    return Field(
        name,
        "reference",
        reference_to=target,
        relationship_name=rel,
        child_name=child,
        length=18,
        **kw,
    )


def _system_fields():
    return [
        _ro("Id", "id", length=18),
        _ro("IsDeleted", "boolean", default=False),
        _ro("CreatedDate", "datetime"),
        _ro("CreatedById", "reference", reference_to="User"),
        _ro("LastModifiedDate", "datetime"),
        _ro("LastModifiedById", "reference", reference_to="User"),
        _ro("SystemModstamp", "datetime"),
    ]


def _address(prefix):
    parts = ("Street", "City", "State", "PostalCode", "Country")
    return [Field(prefix + part) for part in parts]


STANDARD_FIELDS = {
    "Account": [
        Field("Name", required=True),
        Field("AccountNumber", length=40),
        Field("Type", "picklist"),
        Field("Industry", "picklist"),
        Field("Phone", "phone", length=40),
        Field("Website", "url"),
        Field("Description", "textarea", length=32000),
        Field("AnnualRevenue", "currency"),
        Field("NumberOfEmployees", "int"),
        *_address("Billing"),
        *_address("Shipping"),
        _ref("ParentId", "Account", "Parent", "ChildAccounts"),
        _ref(
            "MasterRecordId",
            "Account",
            "MasterRecord",
            createable=False,
            updateable=False,
        ),
    ],
    "Contact": [
        Field("FirstName", length=40),
        Field("LastName", required=True, length=80),
        _ro("Name", "string", length=121),
        Field("Email", "email", length=80),
        Field("Phone", "phone", length=40),
        Field("Title", length=128),
        Field("Description", "textarea", length=32000),
        *_address("Mailing"),
        _ref("AccountId", "Account", "Account", "Contacts"),
        _ref(
            "MasterRecordId",
            "Contact",
            "MasterRecord",
            createable=False,
            updateable=False,
        ),
    ],
    "Product2": [
        Field("Name", required=True),
        Field("ProductCode"),
        Field("Description", "textarea", length=4000),
        Field("IsActive", "boolean", default=False),
        Field("Family", "picklist"),
    ],
    "Pricebook2": [
        Field("Name", required=True),
        Field("Description"),
        Field("IsActive", "boolean", default=False),
        _ro("IsStandard", "boolean", default=False),
    ],
    "PricebookEntry": [
        _ro("Name", "string"),
        _ro("ProductCode", "string"),
        _ref(
            "Pricebook2Id",
            "Pricebook2",
            "Pricebook2",
            "PricebookEntries",
            required=True,
            updateable=False,
        ),
        _ref(
            "Product2Id",
            "Product2",
            "Product2",
            "PricebookEntries",
            required=True,
            updateable=False,
        ),
        Field("UnitPrice", "currency", required=True),
        Field("IsActive", "boolean", default=False),
        Field("UseStandardPrice", "boolean", default=False),
    ],
    "Opportunity": [
        Field("Name", required=True, length=120),
        Field("StageName", "picklist", required=True),
        Field("CloseDate", "date", required=True),
        Field("Amount", "currency"),
        Field("Probability", "percent"),
        Field("Type", "picklist"),
        Field("LeadSource", "picklist"),
        Field("NextStep"),
        Field("Description", "textarea", length=32000),
        Field("ForecastCategoryName", "picklist"),
        _ro("IsClosed", "boolean", default=False),
        _ro("IsWon", "boolean", default=False),
        _ref("AccountId", "Account", "Account", "Opportunities"),
        _ref("Pricebook2Id", "Pricebook2", "Pricebook2", "Opportunities"),
    ],
    "OpportunityLineItem": [
        _ro("Name", "string", length=376),
        _ref(
            "OpportunityId",
            "Opportunity",
            "Opportunity",
            "OpportunityLineItems",
            required=True,
            updateable=False,
        ),
        _ref(
            "PricebookEntryId",
            "PricebookEntry",
            "PricebookEntry",
            "OpportunityLineItems",
            required=True,
            updateable=False,
        ),
        _ref("Product2Id", "Product2", "Product2", None, updateable=False),
        Field("ProductCode", createable=False, updateable=False),
        Field("Quantity", "double", required=True),
        Field("UnitPrice", "currency"),
        Field("ListPrice", "currency", createable=False, updateable=False),
        Field("TotalPrice", "currency"),
        Field("Discount", "percent"),
        Field("ServiceDate", "date"),
        Field("Description"),
    ],
}


class SObjectType:
    """Fields of one sObject, resolvable case-insensitively like the API does."""

    def __init__(self, name, fields):
        self.name = name
        self.key_prefix = KEY_PREFIXES[name]
        self.fields = {}
        self._lower = {}
        self.children = {}
        for field in _system_fields() + fields:
            self.add(field)

    def add(self, field):
        self.fields[field.name] = field
        self._lower[field.name.lower()] = field

    def field(self, name):
        return self._lower.get(name.lower())

    def relationship(self, name):
        """The reference field whose relationshipName is ``name``."""
        lname = name.lower()
        for field in self.fields.values():
            if field.relationship_name and field.relationship_name.lower() == lname:
                return field
        return None

    def external_ids(self):
        return [f for f in self.fields.values() if f.external_id]


def custom_field(name, spec):
    """Build a custom field from ``{"type": ..., "externalId": ..., ...}``."""
    if not _CUSTOM_RE.match(name):
        raise SalesforceError(
            "INVALID_FIELD", f"Custom field name must end with __c: {name}"
        )
    ftype = spec.get("type", "string")
    if ftype not in _COERCE:
        raise SalesforceError("INVALID_TYPE", f"Unsupported field type: {ftype}")
    external = bool(spec.get("externalId", False))
    return Field(
        name,
        ftype,
        required=bool(spec.get("required", False)),
        external_id=external,
        unique=bool(spec.get("unique", external)),
        case_sensitive=bool(spec.get("caseSensitive", False)),
        reference_to=spec.get("referenceTo"),
        relationship_name=spec.get("relationshipName"),
        length=int(spec.get("length", 255)),
        custom=True,
        default=spec.get("defaultValue"),
    )


class Schema:
    """All sObject types of one org, with their child relationships wired up."""

    def __init__(self, custom_fields=None):
        self.types = {
            name: SObjectType(name, fields) for name, fields in STANDARD_FIELDS.items()
        }
        self._link_children()
        for sobject, fields in (custom_fields or {}).items():
            self.add_custom_fields(sobject, fields)

    def _link_children(self):
        for stype in self.types.values():
            for field in stype.fields.values():
                parent = self.types.get(field.reference_to or "")
                if parent and field.child_name:
                    parent.children[field.child_name] = (stype.name, field.name)

    def get(self, name):
        """The type called ``name`` (any case) or INVALID_TYPE."""
        for key, stype in self.types.items():
            if key.lower() == name.lower():
                return stype
        raise SalesforceError(
            "NOT_FOUND", f"The requested resource does not exist: {name}", 404
        )

    def add_custom_fields(self, sobject, fields):
        stype = self.get(sobject)
        for name, spec in fields.items():
            stype.add(custom_field(name, spec))
        self._link_children()
        return stype
